// The Pod Security Standards' "restricted" profile (which includes
// "baseline"), written from the published rules, applied to a pod: every
// container, init container and ephemeral container. It stands in for the
// API server's PodSecurity admission, which cannot run here.
//
//   node pss-restricted.mjs < POD.json   prints each violation, one a line,
//                                        and exits 1; "restricted: ok" and 0
//                                        when there is none
import fs from "node:fs";
import { pathToFileURL } from "node:url";

// baseline, Capabilities: what may be added
const BASELINE_CAPS = new Set(["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
  "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]);
// baseline, Sysctls: the safe set
const SAFE_SYSCTLS = new Set(["kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
  "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"]);
// baseline, SELinux: the types allowed
const SELINUX_TYPES = new Set(["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]);
// restricted, Volume Types
const VOLUME_TYPES = new Set(["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral",
  "persistentVolumeClaim", "projected", "secret"]);

export function violations(pod) {
  const out = [];
  const spec = pod.spec || {};
  const psc = spec.securityContext || {};
  const containers = [
    ...(spec.initContainers || []).map((c) => ["initContainers", c]),
    ...(spec.containers || []).map((c) => ["containers", c]),
    ...(spec.ephemeralContainers || []).map((c) => ["ephemeralContainers", c]),
  ];
  const bad = (rule, where) => out.push(`${rule}: ${where}`);
  const cap = (c) => String(c).toUpperCase().replace(/^CAP_/, "");

  // ---- baseline ----
  if (psc.windowsOptions?.hostProcess) bad("HostProcess", "spec.securityContext.windowsOptions.hostProcess");
  for (const k of ["hostNetwork", "hostPID", "hostIPC"]) if (spec[k]) bad("Host Namespaces", `spec.${k}`);
  for (const v of spec.volumes || []) if (v.hostPath) bad("HostPath Volumes", `volume ${v.name}`);
  if (psc.seccompProfile?.type === "Unconfined") bad("Seccomp", "spec.securityContext.seccompProfile");
  if (psc.appArmorProfile && !["RuntimeDefault", "Localhost"].includes(psc.appArmorProfile.type))
    bad("AppArmor", "spec.securityContext.appArmorProfile");
  for (const [k, v] of Object.entries(pod.metadata?.annotations || {}))
    if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && v !== "runtime/default" && !v.startsWith("localhost/"))
      bad("AppArmor", `annotation ${k}`);
  const selinux = (o, where) => {
    if (!o) return;
    if (!SELINUX_TYPES.has(o.type ?? "")) bad("SELinux", `${where}.type`);
    if (o.user) bad("SELinux", `${where}.user`);
    if (o.role) bad("SELinux", `${where}.role`);
  };
  selinux(psc.seLinuxOptions, "spec.securityContext.seLinuxOptions");
  for (const s of psc.sysctls || []) if (!SAFE_SYSCTLS.has(s.name)) bad("Sysctls", s.name);

  // ---- restricted ----
  for (const v of spec.volumes || []) {
    const types = Object.keys(v).filter((k) => k !== "name");
    if (types.length !== 1 || !VOLUME_TYPES.has(types[0])) bad("Volume Types", `volume ${v.name}: ${types.join(",")}`);
  }
  if (psc.runAsUser === 0) bad("Running as Non-root user", "spec.securityContext.runAsUser");
  const podSeccomp = ["RuntimeDefault", "Localhost"].includes(psc.seccompProfile?.type);

  for (const [list, c] of containers) {
    const sc = c.securityContext || {};
    const where = `${list} ${c.name}`;
    // baseline
    if (sc.windowsOptions?.hostProcess) bad("HostProcess", where);
    if (sc.privileged) bad("Privileged Containers", where);
    for (const a of sc.capabilities?.add || []) if (!BASELINE_CAPS.has(cap(a))) bad("Capabilities (baseline)", `${where} adds ${a}`);
    for (const p of c.ports || []) if (p.hostPort) bad("Host Ports", where);
    if (sc.appArmorProfile && !["RuntimeDefault", "Localhost"].includes(sc.appArmorProfile.type)) bad("AppArmor", where);
    selinux(sc.seLinuxOptions, `${where} seLinuxOptions`);
    if (sc.procMount && sc.procMount !== "Default") bad("/proc Mount Type", where);
    if (sc.seccompProfile?.type === "Unconfined") bad("Seccomp", where);
    // restricted
    if (sc.allowPrivilegeEscalation !== false) bad("Privilege Escalation", `${where}: allowPrivilegeEscalation is not false`);
    if (sc.runAsNonRoot === false || (psc.runAsNonRoot !== true && sc.runAsNonRoot !== true))
      bad("Running as Non-root", `${where}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) bad("Running as Non-root user", `${where}: runAsUser 0`);
    if (!podSeccomp && !["RuntimeDefault", "Localhost"].includes(sc.seccompProfile?.type))
      bad("Seccomp (restricted)", `${where}: no RuntimeDefault or Localhost profile`);
    if (!(sc.capabilities?.drop || []).some((d) => cap(d) === "ALL")) bad("Capabilities (restricted)", `${where}: does not drop ALL`);
    for (const a of sc.capabilities?.add || []) if (cap(a) !== "NET_BIND_SERVICE") bad("Capabilities (restricted)", `${where} adds ${a}`);
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = violations(JSON.parse(fs.readFileSync(0, "utf8")));
  for (const v of found) console.log(v);
  if (found.length) process.exit(1);
  console.log("restricted: ok");
}
