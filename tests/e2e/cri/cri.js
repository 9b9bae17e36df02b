#!/usr/bin/env node
'use strict';
// A small CRI client for the e2e suite (Debian 12 packages no crictl).
// It talks gRPC to a runtime's CRI socket the way kubelet does.
//
//   cri.js --socket SOCK version
//   cri.js --socket SOCK run-pod [OPTIONS] POD.json|-     run a pod, print a JSON report
//       --root DIR            where pod directories and logs go (required)
//       --images JSON         {"name in the manifest": "image ref or id"}
//       --image-volumes JSON  {"image volume reference": "host dir holding it"}
//       --secrets JSON        {"secret name": "host dir holding its files"}
//       --config-maps JSON    {"configMap name": "host dir holding its files"}
//       --cgroup-parent PATH  cgroupfs parent for the pod's cgroups
//       --keep                leave the pod running once its app containers
//                             run (for exec); otherwise wait for them to
//                             exit and remove the pod
//       --timeout SECONDS     for each container to finish (default 30)
//   cri.js --socket SOCK exec [--timeout S] CONTAINER_ID CMD [ARG...]   ExecSync
//   cri.js --socket SOCK exec-stream [--timeout S] [--stdin FILE [--close]] --stdout FILE CONTAINER_ID CMD [ARG...]
//                                                         Exec as kubelet serves kubectl exec: the
//                                                         runtime's streaming server over WebSocket
//                                                         (v4.channel.k8s.io), stdin from FILE, stdout
//                                                         byte for byte into FILE; prints
//                                                         {exitCode, stderr, stdoutBytes}; --close:
//                                                         close the session once stdin is sent
//                                                         (exitCode null: see execStream)
//   cri.js --socket SOCK wait [--timeout S] CONTAINER_ID  wait for the exit, print a report
//   cri.js --socket SOCK image-status REF                 the runtime's view of an image:
//                                                         {id, repoTags, repoDigests, uid, username}
//   cri.js --socket SOCK remove-pod POD_ID
//   cri.js --socket SOCK cleanup                          remove every pod this suite made
//   cri.js manifest FILE.yaml                             print the first Pod (or the
//                                                         pod of a workload) as JSON
//
// Reports go to stdout as JSON; errors to stderr with exit status 1.
const fs = require('fs');
const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const { PodPlan, podFromManifest, parseCriLog, TEST_LABEL } = require('./kubelet');

const PROTO = path.join(__dirname, 'runtime_v1_subset.proto');
const CALL_DEADLINE_MS = 60000;
const POLL_MS = 50;

function die(msg) {
  process.stderr.write(`cri.js: ${msg}\n`);
  process.exit(1);
}

function loadApi() {
  const def = protoLoader.loadSync(PROTO, {
    keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true,
  });
  return grpc.loadPackageDefinition(def).runtime.v1;
}

class Cri {
  constructor(socket) {
    const api = loadApi();
    const target = `unix://${path.resolve(socket)}`;
    const creds = grpc.credentials.createInsecure();
    const opts = { 'grpc.max_receive_message_length': 32 << 20 };
    this.runtime = new api.RuntimeService(target, creds, opts);
    this.image = new api.ImageService(target, creds, opts);
  }

  call(service, method, req, deadlineMs) {
    const deadline = new Date(Date.now() + (deadlineMs || CALL_DEADLINE_MS));
    return new Promise((resolve, reject) => {
      this[service][method](req, { deadline }, (err, res) => {
        if (err) {
          const e = new Error(`${method}: ${err.details || err.message}`);
          e.code = err.code;
          reject(e);
        } else resolve(res);
      });
    });
  }

  rt(method, req, deadlineMs) { return this.call('runtime', method, req, deadlineMs); }

  img(method, req, deadlineMs) { return this.call('image', method, req, deadlineMs); }

  close() {
    this.runtime.close();
    this.image.close();
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until the container reaches one of the states; returns its status.
async function waitState(cri, id, states, timeoutS) {
  const end = Date.now() + timeoutS * 1000;
  for (;;) {
    const res = await cri.rt('ContainerStatus', { container_id: id, verbose: false });
    if (states.includes(res.status.state)) return res.status;
    if (Date.now() > end) {
      throw new Error(`container ${id} still ${res.status.state} after ${timeoutS}s`);
    }
    await sleep(POLL_MS);
  }
}

// Reads a container's log through the path its status reports. containerd
// writes the last lines asynchronously, so an exited container's log is read
// until it stops growing.
async function readLog(logPath, exited) {
  let text = '';
  for (let i = 0; i < 40; i++) {
    let now = '';
    try { now = fs.readFileSync(logPath, 'utf8'); } catch (e) { if (e.code !== 'ENOENT') throw e; }
    if (!exited || (now === text && i >= 2)) { text = now; break; }
    text = now;
    await sleep(POLL_MS);
  }
  return parseCriLog(text);
}

// The OCI runtime spec's process.user that containerd generated (verbose
// status). This is where the merged groups show, whatever the process did.
// The container's init process as the host sees it (verbose status).
function hostPid(info) {
  try {
    return JSON.parse(info.info).pid || null;
  } catch (e) {
    return null;
  }
}

function ociUser(info) {
  try {
    const parsed = JSON.parse(info.info);
    const user = parsed.runtimeSpec.process.user;
    return { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids || [] };
  } catch (e) {
    return null;
  }
}

async function report(cri, id, exited) {
  const res = await cri.rt('ContainerStatus', { container_id: id, verbose: true });
  const st = res.status;
  const log = await readLog(st.log_path, exited || st.state === 'CONTAINER_EXITED');
  return {
    name: st.metadata.name,
    id,
    state: st.state,
    exitCode: st.exit_code,
    reason: st.reason,
    message: st.message,
    logPath: st.log_path,
    stdout: log.stdout,
    stderr: log.stderr,
    log: log.lines,
    ociUser: ociUser(res.info),
    pid: hostPid(res.info),
    statusUser: st.user && st.user.linux ? st.user.linux : null,
  };
}

function imageInfo(image) {
  if (!image || !image.id) return null;
  return {
    id: image.id,
    repoTags: image.repo_tags,
    repoDigests: image.repo_digests,
    uid: image.uid ? image.uid.value : null,
    username: image.username || '',
  };
}

// kubelet's EnsureImageExists for one container: the image the suite
// imported (--images map) as it is; any other pulled when the runtime lacks
// it or the pod says imagePullPolicy: Always. Returns {ref, uid, username}.
async function ensureImage(cri, c, opts, sandboxConfig, pulled) {
  const mapped = (opts.images || {})[c.image];
  const name = mapped || c.image;
  if (!name) throw new Error(`container ${c.name}: no image`);
  let status = imageInfo((await cri.img('ImageStatus', { image: { image: name } })).image);
  if (!mapped && (!status || c.imagePullPolicy === 'Always')) {
    let res;
    try {
      res = await cri.img('PullImage', { image: { image: name }, sandbox_config: sandboxConfig });
    } catch (e) {
      throw new Error(`container ${c.name}: pulling ${name}: ${e.message}`);
    }
    pulled.push({ container: c.name, image: name, ref: res.image_ref });
    status = imageInfo((await cri.img('ImageStatus', { image: { image: res.image_ref } })).image);
  }
  if (!status) throw new Error(`container ${c.name}: image ${name} is not in the runtime`);
  return { ref: status.id, uid: status.uid, username: status.username };
}

async function removePod(cri, podId) {
  await cri.rt('StopPodSandbox', { pod_sandbox_id: podId });
  await cri.rt('RemovePodSandbox', { pod_sandbox_id: podId });
}

async function runPod(cri, pod, opts) {
  const plan = new PodPlan(podFromManifest(pod), opts);
  plan.setupVolumes();
  const sandboxConfig = plan.sandboxConfig();
  const { pod_sandbox_id: podId } = await cri.rt('RunPodSandbox', { config: sandboxConfig, runtime_handler: '' });
  const out = {
    pod: { id: podId, name: plan.name, uid: plan.uid, logDirectory: plan.logDir, dir: plan.podDir },
    initContainers: [],
    containers: [],
    pulled: [],
    started: false,
  };
  let ok = false;
  try {
    out.postStart = {};
    const create = async (c) => {
      const image = await ensureImage(cri, c, opts, sandboxConfig, out.pulled);
      const { container_id: id } = await cri.rt('CreateContainer', {
        pod_sandbox_id: podId, config: plan.containerConfig(c, image), sandbox_config: sandboxConfig,
      });
      await cri.rt('StartContainer', { container_id: id });
      // kubelet runs the postStart hook right after the start, through the
      // runtime's exec; its result is reported, not acted on
      const hook = ((c.lifecycle || {}).postStart || {}).exec;
      if (hook) {
        const res = await cri.rt('ExecSync', { container_id: id, cmd: hook.command || [], timeout: opts.timeout },
          (opts.timeout + 10) * 1000);
        out.postStart[c.name] = { stdout: res.stdout.toString(), stderr: res.stderr.toString(), exitCode: res.exit_code };
      }
      return id;
    };
    // Init containers: one at a time, each to completion; a failure stops the
    // pod from going further (restartPolicy: Never).
    for (const c of plan.spec.initContainers || []) {
      const id = await create(c);
      await waitState(cri, id, ['CONTAINER_EXITED'], opts.timeout);
      const r = await report(cri, id, true);
      out.initContainers.push(r);
      if (r.exitCode !== 0) {
        ok = !opts.keep;
        return out;
      }
    }
    const ids = [];
    for (const c of plan.spec.containers || []) ids.push(await create(c));
    out.started = true;
    // Ephemeral containers join the running pod, as after `kubectl debug`.
    const ephemeralIds = [];
    if ((plan.spec.ephemeralContainers || []).length) {
      for (const id of ids) await waitState(cri, id, ['CONTAINER_RUNNING', 'CONTAINER_EXITED'], opts.timeout);
      for (const c of plan.spec.ephemeralContainers) ephemeralIds.push(await create(c));
    }
    const want = opts.keep ? ['CONTAINER_RUNNING', 'CONTAINER_EXITED'] : ['CONTAINER_EXITED'];
    for (const id of [...ids, ...ephemeralIds]) await waitState(cri, id, want, opts.timeout);
    for (const id of ids) out.containers.push(await report(cri, id, !opts.keep));
    out.ephemeralContainers = [];
    for (const id of ephemeralIds) out.ephemeralContainers.push(await report(cri, id, !opts.keep));
    ok = true;
    return out;
  } finally {
    if (!opts.keep || !ok) {
      try { await removePod(cri, podId); } catch (e) {
        process.stderr.write(`cri.js: removing pod ${podId}: ${e.message}\n`);
      }
      out.pod.removed = true;
    }
  }
}

// kubectl exec's session as kubelet proxies it: CRI Exec gives the URL of
// the runtime's streaming server; the WebSocket protocol v4.channel.k8s.io
// carries each stream in binary messages whose first byte is the channel
// (0 stdin, 1 stdout, 2 stderr, 3 the final status, a metav1.Status whose
// cause ExitCode holds a non-zero exit status). v4 has no way to close
// stdin but to close the session (kubectl's v5 adds one; containerd 1.6
// speaks v4): the server writes every frame it read into the process's
// stdin before it sees the close, then closes stdin, so the process reads
// all of it and then EOF, but its exit status has nowhere to go (--close).
async function execStream(cri, id, argv, opts) {
  const WebSocket = require('ws');
  const stdin = opts.stdinFile ? fs.readFileSync(opts.stdinFile) : null;
  const { url } = await cri.rt('Exec', {
    container_id: id, cmd: argv, tty: false, stdin: !!stdin, stdout: true, stderr: true,
  });
  const out = fs.openSync(opts.stdoutFile, 'w');
  let stdoutBytes = 0;
  let stderr = '';
  let status = null;
  await new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), ['v4.channel.k8s.io']);
    const timer = setTimeout(() => { ws.terminate(); reject(new Error(`exec: no end after ${opts.timeout}s`)); },
      opts.timeout * 1000);
    ws.on('open', () => {
      if (ws.protocol !== 'v4.channel.k8s.io') reject(new Error(`exec: protocol ${ws.protocol}`));
      for (let i = 0; stdin && i < stdin.length; i += 16384) {
        const last = i + 16384 >= stdin.length;
        ws.send(Buffer.concat([Buffer.from([0]), stdin.subarray(i, i + 16384)]),
          last && opts.close ? () => ws.close() : undefined);
      }
    });
    ws.on('message', (data) => {
      const buf = Buffer.from(data);
      if (buf.length <= 1) return; // a channel's first, empty, message
      const body = buf.subarray(1);
      if (buf[0] === 1) { fs.writeSync(out, body); stdoutBytes += body.length; }
      else if (buf[0] === 2) stderr += body.toString();
      else if (buf[0] === 3) status = JSON.parse(body.toString());
    });
    ws.on('error', (e) => { clearTimeout(timer); reject(e); });
    ws.on('close', () => { clearTimeout(timer); resolve(); });
  });
  fs.closeSync(out);
  if (!status && opts.close) return { exitCode: null, stderr, stdoutBytes };
  if (!status) throw new Error('exec: the session ended without a status');
  let exitCode = 0;
  if (status.status !== 'Success') {
    const cause = ((status.details || {}).causes || []).find((c) => c.reason === 'ExitCode');
    if (!cause) throw new Error(`exec: ${status.message || JSON.stringify(status)}`);
    exitCode = Number(cause.message);
  }
  return { exitCode, stderr, stdoutBytes };
}

async function cleanup(cri) {
  const res = await cri.rt('ListPodSandbox', { filter: { label_selector: { [TEST_LABEL]: '1' } } });
  const removed = [];
  for (const item of res.items) {
    await removePod(cri, item.id);
    removed.push(item.id);
  }
  return { removed };
}

function parseArgs(argv) {
  const opts = { timeout: 30, root: null, images: {}, imageVolumes: {}, secrets: {}, configMaps: {}, keep: false, cgroupParent: '' };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (rest.length && (rest[0] === 'exec' || rest[0] === 'exec-stream') && rest.length >= 2) { rest.push(a); continue; }
    switch (a) {
      case '--socket': opts.socket = val(); break;
      case '--root': opts.root = val(); break;
      case '--images': opts.images = JSON.parse(val()); break;
      case '--image-volumes': opts.imageVolumes = JSON.parse(val()); break;
      case '--secrets': opts.secrets = JSON.parse(val()); break;
      case '--config-maps': opts.configMaps = JSON.parse(val()); break;
      case '--cgroup-parent': opts.cgroupParent = val(); break;
      case '--timeout': opts.timeout = Number(val()); break;
      case '--keep': opts.keep = true; break;
      case '--stdin': opts.stdinFile = val(); break;
      case '--stdout': opts.stdoutFile = val(); break;
      case '--close': opts.close = true; break;
      default: rest.push(a);
    }
  }
  return { opts, rest };
}

function readJsonArg(arg) {
  const text = arg === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(arg, 'utf8');
  return JSON.parse(text);
}

async function main() {
  const { opts, rest } = parseArgs(process.argv.slice(2));
  const cmd = rest.shift();
  if (cmd === 'manifest') {
    const YAML = require('yaml');
    if (rest.length !== 1) die('manifest FILE.yaml');
    const docs = YAML.parseAllDocuments(fs.readFileSync(rest[0], 'utf8'))
      .map((d) => d.toJS()).filter((d) => d);
    const first = docs.find((d) => d.kind === 'Pod' || (d.spec && d.spec.template));
    if (!first) die(`${rest[0]}: no Pod and no workload with a pod template`);
    process.stdout.write(`${JSON.stringify(podFromManifest(first))}\n`);
    return;
  }
  if (!opts.socket) die('--socket is required');
  const cri = new Cri(opts.socket);
  let result;
  try {
    switch (cmd) {
      case 'version':
        result = await cri.rt('Version', { version: 'v1' });
        break;
      case 'run-pod':
        if (!opts.root) die('run-pod needs --root');
        if (rest.length !== 1) die('run-pod POD.json|-');
        result = await runPod(cri, readJsonArg(rest[0]), opts);
        break;
      case 'exec': {
        if (rest.length < 2) die('exec CONTAINER_ID CMD [ARG...]');
        const [id, ...argv] = rest;
        const res = await cri.rt('ExecSync', { container_id: id, cmd: argv, timeout: opts.timeout },
          (opts.timeout + 10) * 1000);
        result = { stdout: res.stdout.toString(), stderr: res.stderr.toString(), exitCode: res.exit_code };
        break;
      }
      case 'exec-stream': {
        if (rest.length < 2 || !opts.stdoutFile) die('exec-stream --stdout FILE CONTAINER_ID CMD [ARG...]');
        const [id, ...argv] = rest;
        result = await execStream(cri, id, argv, opts);
        break;
      }
      case 'wait':
        if (rest.length !== 1) die('wait CONTAINER_ID');
        await waitState(cri, rest[0], ['CONTAINER_EXITED'], opts.timeout);
        result = await report(cri, rest[0], true);
        break;
      case 'image-status':
        if (rest.length !== 1) die('image-status REF');
        result = imageInfo((await cri.img('ImageStatus', { image: { image: rest[0] } })).image);
        break;
      case 'remove-pod':
        if (rest.length !== 1) die('remove-pod POD_ID');
        await removePod(cri, rest[0]);
        result = { removed: [rest[0]] };
        break;
      case 'cleanup':
        result = await cleanup(cri);
        break;
      default:
        die(`unknown command ${cmd || '(none)'}`);
    }
  } finally {
    cri.close();
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((e) => die(e.message));
