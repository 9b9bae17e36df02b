'use strict';
// Turns a Kubernetes Pod object (the manifests in deploy/, or a test's
// variation of them) into the CRI requests kubelet would send for it, and
// runs it through a CRI runtime: RunPodSandbox, then each init container to
// completion, then the app containers.
//
// It follows kubelet's translation for the fields the manifests use:
//   - pod and container securityContext: runAsUser, runAsGroup (the
//     container's wins), runAsNonRoot (checked, as kubelet does),
//     supplementalGroups and fsGroup (both become supplemental_groups,
//     fsGroup first), allowPrivilegeEscalation: false -> no_new_privs,
//     capabilities add/drop (passed through as written), privileged,
//     readOnlyRootFilesystem, seccompProfile (container, else pod, else
//     Unconfined; the sandbox always asks for RuntimeDefault);
//   - command / args / workingDir / env (plain values); kubelet expands
//     $(VAR) and $$ in env values (against the variables before them) and
//     in command and args (against the container's variables), never in
//     the image's config (expand() below: Kubernetes'
//     third_party/forked/golang/expansion, its rules written out);
//   - the image: pulled through the CRI when the runtime lacks it or
//     imagePullPolicy is Always (kubelet's EnsureImageExists; the images the
//     suite imported itself, the --images map, are never pulled), created
//     from the image id the runtime returns; a pod without runAsUser runs
//     as the image's user as the runtime's ImageStatus reports it (uid or
//     username), as kubelet's determineEffectiveSecurityContext does;
//   - volumes: emptyDir is a host directory created 0777 under the pod's
//     directory (with fsGroup: group-owned by it, setgid), bind-mounted
//     with the volumeMount's readOnly; an image volume (Kubernetes >= 1.33)
//     is a host directory where the caller mounted the image's snapshot
//     read-only, which is what containerd >= 2.1 does for mounts[].image;
//     a secret or configMap volume is a host directory the caller filled
//     with its files (their modes as defaultMode would make them), always
//     mounted read-only, as kubelet's are;
//   - lifecycle.postStart exec: after StartContainer, the hook's command
//     through the runtime's exec (ExecSync), as kubelet's handler runner
//     does (it does not expand $(VAR) there); exec probes are ExecSync with
//     the probe's command too (kubelet expands the container's plain env
//     variables in it first), which a test sends itself (cri.js exec);
//   - ephemeralContainers (kubectl debug): created and started in the
//     running sandbox after the app containers, with the same translation
//     (kubelet uses the same CreateContainer for them);
//   - log_directory <pods>/<namespace>_<name>_<uid>, log_path <name>/0.log.
// Deviation, said once: every pod gets the node's network namespace (no
// CNI here), hence no hostname, as kubelet does for hostNetwork pods.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const TEST_LABEL = 'sg-e2e.test';

function podFromManifest(obj) {
  if (!obj || typeof obj !== 'object') throw new Error('manifest: not an object');
  if (obj.kind === 'Pod') return obj;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job'].includes(obj.kind)) {
    const tpl = obj.spec && obj.spec.template;
    if (!tpl) throw new Error(`manifest: ${obj.kind} without spec.template`);
    const meta = Object.assign({}, tpl.metadata || {});
    meta.name = meta.name || `${obj.metadata.name}-0`;
    meta.namespace = meta.namespace || obj.metadata.namespace;
    return { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: tpl.spec };
  }
  throw new Error(`manifest: kind ${obj.kind} is not a Pod or a workload with a pod template`);
}

function int64(v) {
  return v === undefined || v === null ? null : { value: Number(v) };
}

function seccomp(profile) {
  if (!profile) return { profile_type: 'Unconfined' };
  switch (profile.type) {
    case 'RuntimeDefault': return { profile_type: 'RuntimeDefault' };
    case 'Unconfined': return { profile_type: 'Unconfined' };
    case 'Localhost': return { profile_type: 'Localhost', localhost_ref: profile.localhostProfile };
    default: throw new Error(`seccompProfile.type ${profile.type} unknown`);
  }
}

// Pod-level groups, in kubelet's order: fsGroup, then supplementalGroups.
function podGroups(podSc) {
  const groups = [];
  if (podSc.fsGroup !== undefined && podSc.fsGroup !== null) groups.push(Number(podSc.fsGroup));
  for (const g of podSc.supplementalGroups || []) groups.push(Number(g));
  return groups;
}

function namespaces() {
  // network: NODE (see the deviation above); pid: CONTAINER, kubelet's
  // default without shareProcessNamespace; ipc: POD.
  return { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' };
}

// kubelet's expansion of $(NAME) and $$ (expansion.Expand): "$$" is "$",
// "$(NAME)" the variable's value, or itself when NAME is not defined, an
// unclosed "$(" and any other "$x" stay as written.
function expand(input, vars) {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 === input.length) { out += input[i]; continue; }
    const next = input[i + 1];
    if (next === '$') { out += '$'; i++; continue; }
    if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) { out += '$('; i++; continue; }
      const name = input.slice(i + 2, close);
      out += Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : `$(${name})`;
      i = close;
      continue;
    }
    out += `$${next}`;
    i++;
  }
  return out;
}

class PodPlan {
  // opts: { root, images: {name: ref}, imageVolumes: {reference: hostDir},
  //         secrets: {secretName: hostDir}, cgroupParent }
  constructor(pod, opts) {
    this.pod = pod;
    this.opts = opts;
    const meta = pod.metadata || {};
    if (!meta.name) throw new Error('pod: metadata.name missing');
    this.name = meta.name;
    this.namespace = meta.namespace || 'default';
    this.uid = crypto.randomUUID();
    this.spec = pod.spec || {};
    this.podSc = this.spec.securityContext || {};
    this.podDir = path.join(opts.root, 'pods', this.uid);
    this.logDir = path.join(opts.root, 'logs', `${this.namespace}_${this.name}_${this.uid}`);
    this.volumes = {};
  }

  // Creates the volume directories, as kubelet's volume manager does
  // before the sandbox starts.
  setupVolumes() {
    fs.mkdirSync(this.logDir, { recursive: true, mode: 0o755 });
    for (const vol of this.spec.volumes || []) {
      if (vol.emptyDir) {
        const dir = path.join(this.podDir, 'volumes', 'kubernetes.io~empty-dir', vol.name);
        fs.mkdirSync(dir, { recursive: true });
        let mode = 0o777;
        if (this.podSc.fsGroup !== undefined && this.podSc.fsGroup !== null) {
          fs.chownSync(dir, 0, Number(this.podSc.fsGroup));
          mode |= 0o2000;
        }
        fs.chmodSync(dir, mode);
        this.volumes[vol.name] = { hostPath: dir, forceReadOnly: false };
      } else if (vol.image) {
        const ref = vol.image.reference;
        const dir = (this.opts.imageVolumes || {})[ref];
        if (!dir) throw new Error(`image volume ${vol.name}: no host mount given for ${ref}`);
        this.volumes[vol.name] = { hostPath: dir, forceReadOnly: true };
      } else if (vol.secret) {
        const dir = (this.opts.secrets || {})[vol.secret.secretName];
        if (!dir) throw new Error(`secret volume ${vol.name}: no host directory given for ${vol.secret.secretName}`);
        this.volumes[vol.name] = { hostPath: dir, forceReadOnly: true };
      } else if (vol.configMap) {
        const dir = (this.opts.configMaps || {})[vol.configMap.name];
        if (!dir) throw new Error(`configMap volume ${vol.name}: no host directory given for ${vol.configMap.name}`);
        this.volumes[vol.name] = { hostPath: dir, forceReadOnly: true };
      } else if (vol.hostPath) {
        this.volumes[vol.name] = { hostPath: vol.hostPath.path, forceReadOnly: false };
      } else {
        throw new Error(`volume ${vol.name}: only emptyDir, image, secret, configMap and hostPath are emulated`);
      }
    }
  }

  labels(extra) {
    return Object.assign({}, (this.pod.metadata || {}).labels || {}, {
      'io.kubernetes.pod.name': this.name,
      'io.kubernetes.pod.namespace': this.namespace,
      'io.kubernetes.pod.uid': this.uid,
      [TEST_LABEL]: '1',
    }, extra || {});
  }

  sandboxConfig() {
    if (this.sandbox) return this.sandbox;
    const sc = {
      namespace_options: namespaces(),
      supplemental_groups: podGroups(this.podSc),
      privileged: [...(this.spec.initContainers || []), ...(this.spec.containers || [])]
        .some((c) => c.securityContext && c.securityContext.privileged),
      seccomp: { profile_type: 'RuntimeDefault' },
    };
    if (this.podSc.runAsUser !== undefined) sc.run_as_user = int64(this.podSc.runAsUser);
    if (this.podSc.runAsGroup !== undefined) sc.run_as_group = int64(this.podSc.runAsGroup);
    this.sandbox = {
      metadata: { name: this.name, uid: this.uid, namespace: this.namespace, attempt: 0 },
      hostname: '',
      log_directory: this.logDir,
      labels: this.labels(),
      annotations: Object.assign({}, (this.pod.metadata || {}).annotations || {}),
      linux: {
        cgroup_parent: this.opts.cgroupParent ? `${this.opts.cgroupParent}/pod${this.uid}` : '',
        security_context: sc,
      },
    };
    return this.sandbox;
  }

  // image: {ref, uid, username} as the runtime's ImageStatus reports the
  // image the container runs (cri.js ensureImage).
  containerConfig(c, image) {
    const csc = c.securityContext || {};
    const pick = (k) => (csc[k] !== undefined ? csc[k] : this.podSc[k]);
    const runAsUser = pick('runAsUser');
    const runAsGroup = pick('runAsGroup');
    if (pick('runAsNonRoot') === true) {
      // kubelet's verifyRunAsNonRoot: the pod's user, else the image's
      const uid = runAsUser !== undefined ? runAsUser : image.uid;
      if (uid === undefined || uid === null) {
        throw new Error(image.username
          ? `container ${c.name}: image has non-numeric user (${image.username}), cannot verify user is non-root`
          : `container ${c.name}: runAsNonRoot and the image runs as root`);
      }
      if (Number(uid) === 0) {
        // kubelet: "container's runAsUser breaks non-root policy"
        throw new Error(`container ${c.name}: runAsNonRoot and runAsUser 0`);
      }
    }
    const sc = {
      capabilities: {
        add_capabilities: ((csc.capabilities || {}).add || []).slice(),
        drop_capabilities: ((csc.capabilities || {}).drop || []).slice(),
      },
      privileged: !!csc.privileged,
      namespace_options: namespaces(),
      readonly_rootfs: !!csc.readOnlyRootFilesystem,
      supplemental_groups: podGroups(this.podSc),
      no_new_privs: csc.allowPrivilegeEscalation === false,
      seccomp: seccomp(csc.seccompProfile || this.podSc.seccompProfile),
    };
    if (runAsUser !== undefined) sc.run_as_user = int64(runAsUser);
    else if (image.uid !== undefined && image.uid !== null) sc.run_as_user = int64(image.uid);
    else if (image.username) sc.run_as_username = image.username;
    if (runAsGroup !== undefined) sc.run_as_group = int64(runAsGroup);

    const mounts = (c.volumeMounts || []).map((vm) => {
      const vol = this.volumes[vm.name];
      if (!vol) throw new Error(`container ${c.name}: volumeMount ${vm.name} names no volume`);
      if (vm.subPath) throw new Error(`container ${c.name}: subPath is not emulated`);
      return {
        container_path: vm.mountPath,
        host_path: vol.hostPath,
        readonly: vol.forceReadOnly || !!vm.readOnly,
        selinux_relabel: false,
        propagation: 0,
      };
    });
    const vars = {};
    const envs = (c.env || []).map((e) => {
      if (e.valueFrom) throw new Error(`container ${c.name}: env ${e.name}: valueFrom is not emulated`);
      const value = expand(e.value === undefined ? '' : String(e.value), vars);
      vars[e.name] = value;
      return { key: e.name, value };
    });
    return {
      metadata: { name: c.name, attempt: 0 },
      image: { image: image.ref },
      command: (c.command || []).map((a) => expand(String(a), vars)),
      args: (c.args || []).map((a) => expand(String(a), vars)),
      working_dir: c.workingDir || '',
      envs,
      mounts,
      labels: this.labels({ 'io.kubernetes.container.name': c.name }),
      annotations: {},
      log_path: path.join(c.name, '0.log'),
      linux: { security_context: sc },
    };
  }
}

// Parses the CRI log format containerd writes: "<RFC3339Nano> <stream> <P|F> <text>".
// P marks a partial line, continued by the next entry of the same stream.
function parseCriLog(text) {
  const out = { stdout: '', stderr: '', lines: [] };
  const pending = { stdout: '', stderr: '' };
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const m = /^(\S+) (stdout|stderr) ([PF])(?: (.*))?$/.exec(raw);
    if (!m) throw new Error(`log line not in CRI format: ${JSON.stringify(raw)}`);
    const [, time, stream, tag, body = ''] = m;
    pending[stream] += body;
    if (tag === 'F') {
      out[stream] += `${pending[stream]}\n`;
      out.lines.push({ time, stream, line: pending[stream] });
      pending[stream] = '';
    }
  }
  return out;
}

module.exports = { PodPlan, podFromManifest, parseCriLog, expand, TEST_LABEL };
