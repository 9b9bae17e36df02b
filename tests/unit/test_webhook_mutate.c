/* Unit tests of the webhook's pure core (webhook/mutate.c): one table of
 * pods, each with the admin's settings, the image lookups the server made
 * for it, the expected outcome and what the patched pod must hold. Every
 * injected pod is sent through again, without any lookup, and must come
 * back unchanged (idempotence, reinvocationPolicy: IfNeeded). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "webhook/admission/mutate.h"
#include "webhook_util.h"

/* The copies are mounted below every other mount of a container: at depth
 * 3 (/strict-groups/d/d) when the pod mounts nothing deeper than the
 * runtime's own mounts (2). The installers write them at /strict-groups. */
#define COPY1000 "'/strict-groups/d/d/strict-init-gid-1000'"
#define AUDIT_POINTER "/metadata/annotations/strict-groups~1audit"
#define MOUNT_RO "{'name':'strict-groups','mountPath':'/strict-groups/d/d','readOnly':true}"
#define INSTALL(groups, extra, key) \
	"['/strict-init','install','--groups=" groups \
	"','--mode=enforce','--no-new-privs=1'" extra ",'/strict-groups/strict-init-" key "']"

#define INSTALL_MODE(groups, mode, extra, key) \
	"['/strict-init','install','--groups=" groups "','--mode=" mode \
	"','--no-new-privs=1'" extra ",'/strict-groups/strict-init-" key "']"
/* Pod Security restricted, as the pod and its containers write it. */
#define RESTRICTED_SC \
	"{'runAsNonRoot':true,'runAsUser':1000,'runAsGroup':1000,'supplementalGroups':[60000]," \
	"'seccompProfile':{'type':'RuntimeDefault'}}"
#define RESTRICTED_CTR "{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}}"
/* The installer of a copy without capability (refuse, audit). */
#define UNPRIVILEGED(uid, gid) \
	"{'allowPrivilegeEscalation':false,'capabilities':{'drop':['ALL']}," \
	"'readOnlyRootFilesystem':true,'runAsGroup':" gid ",'runAsNonRoot':true,'runAsUser':" uid \
	",'seccompProfile':{'type':'RuntimeDefault'}}"

/* A pod: pod-level securityContext, then the containers (JSON fragments). */
#define POD(sc, rest) \
	"{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','namespace':'ns'}," \
	"'spec':{'securityContext':" sc "," rest "}}"
#define APP(extra) "{'name':'app','image':'app:1','command':['/app','-x']" extra "}"
#define APP2(extra) "{'name':'b','image':'b:1','command':['/b']" extra "}"
#define SC_1000 "{'runAsUser':1000,'runAsGroup':1000,'supplementalGroups':[60000]}"

struct mcase {
	const char *name;
	enum wh_mode mode;
	bool allow_image_gid;
	bool lock;
	const char *pod;
	enum wh_outcome outcome;
	const char *checks[10]; /* "POINTER=JSON" on the patched pod; "!POINTER": absent */
	const char *message;    /* in the denial or skip reason */
	const char *warning;    /* in one of the warnings */
	const char *no_warning; /* in none of them ("" = no warnings at all) */
	const char *images;     /* the lookups (webhook_util.h, test_images_load) */
	unsigned opts;          /* OPT_* */
};

#define OPT_SKIP 1u   /* --on-lookup-failure=skip */
#define OPT_NO_PIN 2u /* --pin-digest=0 */

#define DIG "sha256:a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
#define DIG2 "sha256:b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
/* A container that sets no command, and its image's lookup. */
#define WEB(extra) "{'name':'web','image':'reg.test/web:1'" extra "}"
#define LOOKUP(image, config) "'" image "':{'config':" config ",'digest':'" DIG "'}"
#define WEB_IMAGE(config) "{" LOOKUP("reg.test/web:1", config) "}"
#define EP_CMD "{'Entrypoint':['/bin/sh','-c'],'Cmd':['echo $(HOME) $$ $x'],'User':'1000'}"
#define WRAPPED(...) "[" COPY1000 ",'--'" __VA_ARGS__ "]"

/* The fields after no_warning (images, opts) are left out where a case
 * needs none. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct mcase cases[] = {
	{"basic: installer first, command wrapped, args kept, emptyDir, annotation",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP(",'args':['a','$(B)']") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/name='strict-groups-install-gid-1000'",
	  "/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000"),
	  "/spec/initContainers/0/image='strict-groups:0.1.0'",
	  "/spec/initContainers/0/securityContext={'allowPrivilegeEscalation':false,"
	  "'capabilities':{'add':['SETFCAP'],'drop':['ALL']},'readOnlyRootFilesystem':true,"
	  "'runAsGroup':0,'runAsNonRoot':false,'runAsUser':0,'seccompProfile':{'type':'RuntimeDefault'}}",
	  "/spec/initContainers/0/resources={'limits':{'cpu':'100m','memory':'32Mi'},"
	  "'requests':{'cpu':'100m','memory':'32Mi'}}",
	  "/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "/spec/containers/0/args=['a','$(B)']", "/spec/containers/0/volumeMounts=[" MOUNT_RO "]",
	  "/spec/volumes=[{'name':'strict-groups','emptyDir':{'sizeLimit':'1Mi'}}]",
	  "/metadata/annotations/strict-groups~1injected='{\\'copies\\':{\\'gid-1000\\':[\\'app\\']},"
	  "\\'groups\\':\\'60000\\',\\'mode\\':\\'enforce\\',\\'version\\':\\'0.1.0\\'}'"},
	 NULL,
	 NULL,
	 ""},
	{"container runAsGroup wins over the pod's: one sealed copy per gid",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP("") ",{'name':'b','image':'b','command':['b'],"
				      "'securityContext':{'runAsGroup':2000}}]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/name='strict-groups-install-gid-1000'",
	  "/spec/initContainers/1/name='strict-groups-install-gid-2000'",
	  "/spec/initContainers/1/command=" INSTALL("60000", ",'--gid=2000'", "gid-2000"),
	  "/spec/containers/1/command=['/strict-groups/d/d/strict-init-gid-2000','--','b']",
	  "!/spec/initContainers/2"},
	 NULL,
	 NULL,
	 ""},
	{"groups = supplementalGroups + fsGroup, sorted, duplicates once",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':[70000,60000,70000],'fsGroup':60000}",
	     "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000,70000", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"fsGroup 0 is a group like any other: sealed",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'fsGroup':0}", "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("0", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"null fields are unset: securityContext, groups, a container's runAsGroup (the pod's then)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':null,'fsGroup':null}",
	     "'containers':[" APP(
		     ",'securityContext':{'runAsGroup':null},'env':null,"
		     "'volumeMounts':null,'args':null") "," APP2(",'securityContext':null") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("", ",'--gid=1000'", "gid-1000"),
	  "/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "/spec/containers/1/command=[" COPY1000 ",'--','/b']", "!/spec/initContainers/1"},
	 NULL,
	 NULL,
	 ""},
	{"spec.os.name linux (or any but windows) is wrapped",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'os':{'name':'linux'},'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']"},
	 NULL,
	 NULL,
	 ""},
	{"no groups at all: --groups= (none but the primary gid)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000}", "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"init containers (and sidecars) are wrapped, after the installer",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'initContainers':[{'name':'migrate','image':'m','command':['m']},"
	     "{'name':'proxy','image':'p','command':['p'],'restartPolicy':'Always'}],"
	     "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/name='strict-groups-install-gid-1000'",
	  "/spec/initContainers/1/command=[" COPY1000 ",'--','m']",
	  "/spec/initContainers/2/command=[" COPY1000 ",'--','p']",
	  "/spec/initContainers/2/restartPolicy='Always'",
	  "/spec/initContainers/1/volumeMounts=[" MOUNT_RO "]"},
	 NULL,
	 NULL,
	 ""},
	{"kubelet's $(VAR) and $$ in a command stay exactly as written",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'app','image':'a','command':['$(X)','$$(Y)','--'],"
	     "'env':[{'name':'X','value':'/bin/sh'}]}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','$(X)','$$(Y)','--']"},
	 NULL,
	 NULL,
	 ""},
	{"no runAsGroup: enforce denies, naming the container",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'supplementalGroups':[60000]}", "'containers':[" APP("") "]"),
	 WH_DENIED,
	 {0},
	 "container app has no runAsGroup",
	 NULL,
	 NULL},
	{"no runAsGroup: refuse denies too",
	 WH_MODE_REFUSE,
	 false,
	 false,
	 POD("{'supplementalGroups':[60000]}", "'containers':[" APP("") "]"),
	 WH_DENIED,
	 {0},
	 "image would choose the primary gid",
	 NULL,
	 NULL},
	{"no runAsGroup: audit injects, sealed without a gid, and warns",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD("{'supplementalGroups':[60000]}", "'containers':[" APP("") "]"),
	 WH_WOULD_DENY,
	 {"/metadata/annotations/strict-groups~1audit='would deny: container app has no runAsGroup (nor has the pod): its image would choose the primary gid'",
	  "/spec/initContainers/0/command=['/strict-init','install','--groups=60000','--mode=audit',"
	  "'--no-new-privs=1','/strict-groups/strict-init-any-gid']",
	  "/spec/containers/0/command=['/strict-groups/d/d/strict-init-any-gid','--','/app','-x']"},
	 "container app has no runAsGroup",
	 "container app has no runAsGroup",
	 NULL},
	{"no runAsGroup, allowed by the admin: injected without --gid, no warning",
	 WH_MODE_ENFORCE,
	 true,
	 false,
	 POD("{'supplementalGroups':[60000]}", "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/name='strict-groups-install-any-gid'",
	  "/spec/initContainers/0/command=" INSTALL("60000", "", "any-gid")},
	 NULL,
	 NULL,
	 ""},
	{"a container without command is denied, naming it (the next issue reads its image)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") ",{'name':'web','image':'nginx'}]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command",
	 NULL,
	 NULL},
	{"command: [] is no command",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[{'name':'web','image':'nginx','command':[],'args':['x']}]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command",
	 NULL,
	 NULL},
	{"audit: a container without command is left as it is, the others wrapped",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") ",{'name':'web','image':'nginx'}]"),
	 WH_WOULD_DENY,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "!/spec/containers/1/command", "!/spec/containers/1/volumeMounts"},
	 "container web sets no command",
	 "container web sets no command",
	 NULL},
	{"env STRICT_GROUPS_MODE=audit in an enforce pod is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_MODE','value':'audit'}]") "]"),
	 WH_DENIED,
	 {0},
	 "env STRICT_GROUPS_MODE=audit contradicts the sealed policy (enforce)",
	 NULL,
	 NULL},
	{"env STRICT_GROUPS* equal to the seal is fine (order and duplicates of gids too)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':[60000,70000]}",
	     "'containers':[" APP(
		     ",'env':[{'name':'STRICT_GROUPS','value':'70000,60000,70000'},"
		     "{'name':'STRICT_GROUPS_MODE','value':'enforce'},{'name':'STRICT_GROUPS_NO_NEW_PRIVS','value':'1'},"
		     "{'name':'STRICT_GROUPS_GID','value':'1000'},{'name':'STRICT_GROUPS_PRELOAD','value':'/x.so'},"
		     "{'name':'STRICT_GROUPS_LOCK','value':'1'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/env/0/value='70000,60000,70000'"},
	 NULL,
	 NULL,
	 ""},
	{"env STRICT_GROUPS that widens the list is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS','value':'60000,50000'}]") "]"),
	 WH_DENIED,
	 {0},
	 "env STRICT_GROUPS=60000,50000 contradicts the sealed policy (60000)",
	 NULL,
	 NULL},
	{"env STRICT_GROUPS narrower than the seal is denied (strict-init compares sets)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':[60000,70000]}",
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS','value':'60000'}]") "]"),
	 WH_DENIED,
	 {0},
	 "env STRICT_GROUPS=60000 contradicts the sealed policy (60000,70000)",
	 NULL,
	 NULL},
	{"env STRICT_GROUPS_USER, _GID and _NO_NEW_PRIVS that contradict are denied, each named",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'env':[{'name':'STRICT_GROUPS_USER','value':'0:0'},"
		     "{'name':'STRICT_GROUPS_GID','value':'50000'},{'name':'STRICT_GROUPS_NO_NEW_PRIVS','value':'0'}]") "]"),
	 WH_DENIED,
	 {0},
	 "STRICT_GROUPS_USER=0:0 contradicts the sealed policy (unset); "
	 "container app: env STRICT_GROUPS_GID=50000 contradicts the sealed policy (1000); "
	 "container app: env STRICT_GROUPS_NO_NEW_PRIVS=0",
	 NULL,
	 NULL},
	{"env STRICT_GROUPS_MODE from valueFrom cannot be checked: a warning",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_MODE','valueFrom':"
				  "{'configMapKeyRef':{'name':'c','key':'k'}}}]") "]"),
	 WH_INJECTED,
	 {0},
	 NULL,
	 "env STRICT_GROUPS_MODE comes from valueFrom",
	 NULL},
	{"a pre-set annotation claiming injection changes nothing: injected all the same",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'metadata':{'annotations':{'strict-groups/injected':'{}'}},'spec':{'securityContext':" SC_1000
	 ",'containers':[" APP("") "]}}",
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "/spec/initContainers/0/name='strict-groups-install-gid-1000'"},
	 NULL,
	 NULL,
	 ""},
	{"an init container named like the installer is replaced by the real one",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'initContainers':[{'name':'strict-groups-install-gid-1000','image':'evil',"
	     "'command':['/bin/true']}],'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/image='strict-groups:0.1.0'",
	  "/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000"),
	  "!/spec/initContainers/1"},
	 NULL,
	 "init container strict-groups-install-gid-1000 is reserved",
	 NULL},
	{"a container named like the installer is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP("") ",{'name':'strict-groups-install-x','image':'x',"
				      "'command':['x']}]"),
	 WH_DENIED,
	 {0},
	 "container name strict-groups-install-x is reserved",
	 NULL,
	 NULL},
	{"audit: a container named like the installer leaves the pod as it is",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP("") ",{'name':'strict-groups-install-x','image':'x',"
				      "'command':['x']}]"),
	 WH_WOULD_DENY,
	 {0},
	 "is reserved for strict-groups' installers",
	 "is reserved",
	 NULL},
	{"a volume named like the webhook's is replaced by its emptyDir; mounts of it too",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'volumes':[{'name':'data','emptyDir':{}},{'name':'strict-groups','hostPath':"
	     "{'path':'/evil'}}],'containers':[" APP(
		     ",'volumeMounts':[{'name':'strict-groups',"
		     "'mountPath':'/data'},{'name':'data','mountPath':'/d'}]") "]"),
	 WH_INJECTED,
	 {"/spec/volumes=[{'name':'data','emptyDir':{}},{'name':'strict-groups','emptyDir':{'sizeLimit':'1Mi'}}]",
	  "/spec/containers/0/volumeMounts=[{'name':'data','mountPath':'/d'}," MOUNT_RO "]"},
	 NULL,
	 "volume strict-groups is reserved",
	 NULL},
	{"a mount over the webhook's copy of strict-init is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'volumeMounts':[{'name':'evil','mountPath':"
				  "'/strict-groups/strict-init-gid-1000','subPath':'fake'}]") "]"),
	 WH_DENIED,
	 {0},
	 "container app mounts volume evil at /strict-groups/strict-init-gid-1000",
	 NULL,
	 NULL},
	{"a mount at / (also written /strict-groups/..) or through .. and // onto /strict-groups is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/'}]") ","
								       "{'name':'b','image':'b','command':['b'],'volumeMounts':[{'name':'a','mountPath':"
								       "'/x/..//strict-groups/./y'}]},{'name':'c','image':'c','command':['c'],'volumeDevices':"
								       "[{'name':'a','devicePath':'strict-groups'}]}]"),
	 WH_DENIED,
	 {0},
	 "container app mounts volume a at /, over /strict-groups",
	 NULL,
	 NULL},
	{"a mount at /strict-groups/.. is a mount at /, deeper than the webhook's: denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/strict-groups/..'}]") "]"),
	 WH_DENIED,
	 {0},
	 "container app mounts volume a at /strict-groups/.., over /strict-groups",
	 NULL,
	 NULL},
	{"a mount through .. onto /strict-groups is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/x/..//strict-groups/./y'}]") "]"),
	 WH_DENIED,
	 {0},
	 "mounts volume a at /x/..//strict-groups/./y",
	 NULL,
	 NULL},
	{"a device path relative to / onto /strict-groups is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeDevices':[{'name':'a','devicePath':'strict-groups'}]") "]"),
	 WH_DENIED,
	 {0},
	 "puts a device at strict-groups",
	 NULL,
	 NULL},
	{"mounts next to /strict-groups are fine",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'volumeMounts':[{'name':'a','mountPath':'/strict-groupsx'},"
				  "{'name':'b','mountPath':'/x/strict-groups'}]") "]"),
	 WH_INJECTED,
	 {0},
	 NULL,
	 NULL,
	 ""},
	{"the copies are mounted below the deepest mount (the service account token at 5): at 6",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'kube-api-access-x','readOnly':true,"
		     "'mountPath':'/var/run/secrets/kubernetes.io/serviceaccount'}]") "," APP2("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=['/strict-groups/d/d/d/d/d/strict-init-gid-1000','--','/app','-x']",
	  "/spec/containers/0/volumeMounts/1={'name':'strict-groups','mountPath':"
	  "'/strict-groups/d/d/d/d/d','readOnly':true}",
	  "/spec/containers/0/volumeMounts/0/name='kube-api-access-x'",
	  "/spec/containers/1/command=[" COPY1000 ",'--','/b']",
	  "/spec/initContainers/0/volumeMounts=[{'name':'strict-groups','mountPath':'/strict-groups'}]"},
	 NULL,
	 NULL,
	 ""},
	{"the issue's shadowing pod (an emptyDir at /a, another volume at /a/b): the copies at 3, below both",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'volumeMounts':[{'name':'data','mountPath':'/a'},"
				  "{'name':'cm','mountPath':'/a/b'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "/spec/containers/0/volumeMounts/2=" MOUNT_RO},
	 NULL,
	 NULL,
	 ""},
	{"depth as the runtime counts it: '.', '..', '//' cleaned, a relative path from /, a file mount",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/x/./y/../y//z/'},"
		     "{'name':'b','mountPath':'p/q/r/s/../t'}]") "," APP2(",'volumeMounts':[{'name':'c','mountPath':'/etc/x/y/z/f.conf','subPath':'f'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=['/strict-groups/d/d/d/d/strict-init-gid-1000','--','/app','-x']",
	  "/spec/containers/0/volumeMounts/2/mountPath='/strict-groups/d/d/d/d'",
	  "/spec/containers/1/command=['/strict-groups/d/d/d/d/d/strict-init-gid-1000','--','/b']"},
	 NULL,
	 NULL,
	 ""},
	{"a mount one level below the runtime's own (3 deep): the copies at 4, never at the same depth",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'volumeMounts':[{'name':'a','mountPath':'/x/y/z'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=['/strict-groups/d/d/d/strict-init-gid-1000','--','/app','-x']"},
	 NULL,
	 NULL,
	 ""},
	{"kubelet's terminationMessagePath is a mount too: below it",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP(",'terminationMessagePath':'/var/log/app/x/end'") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=['/strict-groups/d/d/d/d/d/strict-init-gid-1000','--','/app','-x']"},
	 NULL,
	 NULL,
	 ""},
	{"a terminationMessagePath on the copies is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'terminationMessagePath':'/strict-groups/d/d/strict-init-gid-1000'") "]"),
	 WH_DENIED,
	 {0},
	 "container app puts its terminationMessagePath at /strict-groups/d/d/strict-init-gid-1000, "
	 "over /strict-groups",
	 NULL,
	 NULL},
	{"a mount too deep to mount the copies below it is denied, naming it",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'deep','mountPath':'/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/"
		     "18/19/20/21/22/23/24/25/26/27/28/29/30/31/32/33/34/35/36/37/38/39/40/41/42/43/44/45/46/47/"
		     "48/49/50/51/52/53/54/55/56/57/58/59/60/61/62/63/64/65/66/67/68/69/70/71/72/73/74/75/76/77/"
		     "78/79/80/81/82/83/84/85/86/87/88/89/90/91/92/93/94/95/96/97/98/99/100/101/102/103/104/105/"
		     "106/107/108/109/110/111/112/113/114/115/116/117/118/119/120/121/122/123/124/125/126/127/128'}]") "]"),
	 WH_DENIED,
	 {0},
	 "container app: volume deep at /1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/18/19/20/21/22/23/24/... "
	 "is 128 or more levels deep: strict-init's copies are mounted below every other mount, at most "
	 "128 deep",
	 NULL,
	 NULL},
	{"127 levels deep is still fine: the copies at 128",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'deep','mountPath':'/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17/"
		     "18/19/20/21/22/23/24/25/26/27/28/29/30/31/32/33/34/35/36/37/38/39/40/41/42/43/44/45/46/47/"
		     "48/49/50/51/52/53/54/55/56/57/58/59/60/61/62/63/64/65/66/67/68/69/70/71/72/73/74/75/76/77/"
		     "78/79/80/81/82/83/84/85/86/87/88/89/90/91/92/93/94/95/96/97/98/99/100/101/102/103/104/105/"
		     "106/107/108/109/110/111/112/113/114/115/116/117/118/119/120/121/122/123/124/125/126/127'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/volumeMounts/1/name='strict-groups'"},
	 NULL,
	 NULL,
	 ""},
	{"a mount at /./strict-groups is a mount at /strict-groups: denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/./strict-groups'}]") "]"),
	 WH_DENIED,
	 {0},
	 "container app mounts volume a at /./strict-groups, over /strict-groups",
	 NULL,
	 NULL},
	{"a mount at the copies' own depth-3 path is denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'a','mountPath':'/strict-groups/d/d'}]") "]"),
	 WH_DENIED,
	 {0},
	 "container app mounts volume a at /strict-groups/d/d, over /strict-groups",
	 NULL,
	 NULL},
	{"a pod's own mount of the reserved volume elsewhere is replaced, said",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'volumeMounts':[{'name':'strict-groups','mountPath':'/x/y/z/w'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/volumeMounts=[" MOUNT_RO "]"},
	 NULL,
	 "container app: its mount of volume strict-groups (reserved) is replaced by the webhook's",
	 NULL},

	/* ---- exec probes and lifecycle hooks: kubelet runs them through the
	 * runtime's exec (CRI ExecSync), never through the entrypoint ---- */
	{"exec probes and hooks run through the container's copy; httpGet, tcpSocket, grpc, sleep stay",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'livenessProbe':{'exec':{'command':['cat','/tmp/ok']},'periodSeconds':5},"
		     "'readinessProbe':{'httpGet':{'path':'/','port':80}},"
		     "'startupProbe':{'exec':{'command':['sh','-c','test -f $(F)']}},"
		     "'lifecycle':{'postStart':{'exec':{'command':['touch','/tmp/x']}},"
		     "'preStop':{'sleep':{'seconds':3}}}") "," APP2(",'securityContext':{'runAsGroup':2000},"
								    "'livenessProbe':{'tcpSocket':{'port':81}},"
								    "'readinessProbe':{'grpc':{'port':82}},"
								    "'lifecycle':{'preStop':{'exec':{'command':['/stop']}},"
								    "'postStart':{'httpGet':{'port':83}}}") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/livenessProbe={'exec':{'command':[" COPY1000
	  ",'--','cat','/tmp/ok']},'periodSeconds':5}",
	  "/spec/containers/0/readinessProbe={'httpGet':{'path':'/','port':80}}",
	  "/spec/containers/0/startupProbe/exec/command=[" COPY1000
	  ",'--','sh','-c','test -f $(F)']",
	  "/spec/containers/0/lifecycle={'postStart':{'exec':{'command':[" COPY1000
	  ",'--','touch','/tmp/x']}},'preStop':{'sleep':{'seconds':3}}}",
	  "/spec/containers/1/lifecycle/preStop/exec/command=['/strict-groups/d/d/strict-init-gid-2000',"
	  "'--','/stop']",
	  "/spec/containers/1/lifecycle/postStart={'httpGet':{'port':83}}",
	  "/spec/containers/1/livenessProbe={'tcpSocket':{'port':81}}",
	  "/spec/containers/1/readinessProbe={'grpc':{'port':82}}"},
	 NULL,
	 NULL,
	 ""},
	{"a restartable init container (sidecar): its probes and hooks through its copy",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'initContainers':[{'name':'proxy','image':'p','command':['p'],'restartPolicy':'Always',"
	     "'readinessProbe':{'exec':{'command':['p','ready']}},"
	     "'lifecycle':{'postStart':{'exec':{'command':['p','init']}}}}],"
	     "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/1/readinessProbe/exec/command=[" COPY1000 ",'--','p','ready']",
	  "/spec/initContainers/1/lifecycle/postStart/exec/command=[" COPY1000 ",'--','p','init']"},
	 NULL,
	 NULL,
	 ""},
	{"a probe already wrapped (another copy, the depth-1 layout) is rewrapped with the container's",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'livenessProbe':{'exec':{'command':['/strict-groups/strict-init-gid-9',"
		     "'--','true']}}") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/livenessProbe/exec/command=[" COPY1000 ",'--','true']"},
	 NULL,
	 NULL,
	 ""},
	{"audit mode: a container left as it is keeps its probes as they are",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP("") ",{'name':'web','image':'nginx','livenessProbe':{'exec':"
				      "{'command':['true']}}}]"),
	 WH_WOULD_DENY,
	 {"/spec/containers/1/livenessProbe/exec/command=['true']", "!/spec/containers/1/command"},
	 "container web sets no command",
	 "container web sets no command",
	 NULL},
	{"malformed: a probe's exec.command that is not a list of strings",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP(",'readinessProbe':{'exec':{'command':'true'}}") "]"),
	 WH_DENIED,
	 {0},
	 "container app: readinessProbe.exec.command is not a list of strings",
	 NULL,
	 NULL},
	{"malformed: an exec hook without a command, or with only the copy and --",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'lifecycle':{'preStop':{'exec':{}}}") ",{'name':'b','image':'b',"
							     "'command':['b'],'lifecycle':{'postStart':{'exec':{'command':[" COPY1000
							     ",'--']}}}}]"),
	 WH_DENIED,
	 {0},
	 "container app: lifecycle.preStop.exec.command is empty",
	 NULL,
	 NULL},
	{"malformed: lifecycle, a probe or its exec that is not an object",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'lifecycle':[]") ",{'name':'b','image':'b','command':['b'],"
						     "'startupProbe':{'exec':'x'}}]"),
	 WH_DENIED,
	 {0},
	 "container app: lifecycle is not an object",
	 NULL,
	 NULL},
	{"null probes, hooks and handlers are no handlers",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'livenessProbe':null,'lifecycle':null,"
		     "'readinessProbe':{'exec':null,'httpGet':{'port':1}}") ","
									    "{'name':'b','image':'b','command':['b'],'lifecycle':{'postStart':null}}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/livenessProbe=null", "/spec/containers/0/readinessProbe/exec=null",
	  "/spec/containers/1/lifecycle={'postStart':null}"},
	 NULL,
	 NULL,
	 ""},
	{"a command already wrapped (by hand, or another gid) is rewrapped with the right copy",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'app','image':'a','command':["
	     "'/strict-groups/strict-init-gid-9','--','sh']}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','sh']", "!/spec/initContainers/1"},
	 NULL,
	 NULL,
	 ""},
	{"manual wiring with another path is wrapped around (strict-init twice is harmless)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'app','image':'a','command':['/strict/strict-init','--','id']}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/strict/strict-init','--','id']"},
	 NULL,
	 NULL,
	 ""},
	{"a windows pod is left unchanged",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{}", "'os':{'name':'windows'},'containers':[{'name':'w','image':'w'}]"),
	 WH_SKIPPED,
	 {0},
	 "windows",
	 NULL,
	 ""},
	{"a mirror pod is left unchanged",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'metadata':{'annotations':{'kubernetes.io/config.mirror':'x'}},'spec':{'nodeName':'n',"
	 "'containers':[{'name':'w','image':'w'}]}}",
	 WH_SKIPPED,
	 {0},
	 "mirror pod",
	 NULL,
	 ""},
	{"CAP_SETGID dropped (drop ALL) where another container keeps it: enforce, a warning, and "
	 "no capability added",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'securityContext':{'capabilities':{'drop':['ALL']}}") ","
									     "{'name':'b','image':'b','command':['b']}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/securityContext={'capabilities':{'drop':['ALL']}}",
	  "/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000"),
	  "/spec/initContainers/0/securityContext/runAsUser=0"},
	 NULL,
	 "container app drops CAP_SETGID",
	 "no container of the pod can hold CAP_SETGID"},
	/* Pod Security restricted: no container can hold CAP_SETGID, so enforce
	 * could drop nothing; refuse needs no capability, nor does its
	 * installer. */
	{"restricted: every container drops ALL: sealed refuse, the installer runs as the pod's "
	 "user with no privilege",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(RESTRICTED_SC, "'containers':[" APP(",'securityContext':" RESTRICTED_CTR) "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL_MODE("60000", "refuse", ",'--gid=1000'",
							 "gid-1000"),
	  "/spec/initContainers/0/securityContext=" UNPRIVILEGED("1000", "1000"),
	  "/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "/spec/containers/0/securityContext=" RESTRICTED_CTR,
	  "/metadata/annotations/strict-groups~1injected='{\\'copies\\':{\\'gid-1000\\':[\\'app\\']},"
	  "\\'groups\\':\\'60000\\',\\'mode\\':\\'refuse\\',\\'version\\':\\'0.1.0\\'}'"},
	 NULL,
	 "no container of the pod can hold CAP_SETGID",
	 "drops CAP_SETGID"},
	{"restricted: NET_BIND_SERVICE added, SETGID dropped by name, init containers too; no "
	 "runAsUser in the pod: the installer runs as 65532",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':[60000]}",
	     "'initContainers':[{'name':'i','image':'i','command':['i'],'securityContext':"
	     "{'capabilities':{'drop':['CAP_SETGID']}}}],"
	     "'containers':[" APP(",'securityContext':{'runAsUser':1000,'capabilities':{'drop':['"
				  "ALL'],'add':['NET_BIND_SERVICE']}}") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL_MODE("60000", "refuse", ",'--gid=1000'",
							 "gid-1000"),
	  "/spec/initContainers/0/securityContext=" UNPRIVILEGED("65532", "1000"),
	  "/spec/initContainers/1/command=[" COPY1000 ",'--','i']"},
	 NULL,
	 "no container of the pod can hold CAP_SETGID",
	 NULL},
	{"restricted in audit mode: stays audit, the installer has no privilege",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(RESTRICTED_SC, "'containers':[" APP(",'securityContext':" RESTRICTED_CTR) "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL_MODE("60000", "audit", ",'--gid=1000'",
							 "gid-1000"),
	  "/spec/initContainers/0/securityContext=" UNPRIVILEGED("1000", "1000")},
	 NULL,
	 NULL,
	 ""},
	{"refuse mode, any pod: the copy needs no capability, the installer no privilege",
	 WH_MODE_REFUSE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL_MODE("60000", "refuse", ",'--gid=1000'",
							 "gid-1000"),
	  "/spec/initContainers/0/securityContext=" UNPRIVILEGED("1000", "1000")},
	 NULL,
	 NULL,
	 ""},
	{"runAsUser 0 in the pod: an unprivileged installer runs as 65532",
	 WH_MODE_REFUSE,
	 false,
	 false,
	 POD("{'runAsUser':0,'runAsGroup':0}", "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/securityContext=" UNPRIVILEGED("65532", "0")},
	 NULL,
	 NULL,
	 ""},
	{"restricted but for one init container that keeps SETGID: enforce, root installer",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(RESTRICTED_SC,
	     "'initContainers':[{'name':'i','image':'i','command':['i']}],"
	     "'containers':[" APP(",'securityContext':" RESTRICTED_CTR) "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000"),
	  "/spec/initContainers/0/securityContext/capabilities/add=['SETFCAP']"},
	 NULL,
	 "container app drops CAP_SETGID",
	 "no container of the pod can hold CAP_SETGID"},
	{"restricted but privileged, or SETGID added back, or ALL added: enforce",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(RESTRICTED_SC,
	     "'containers':[" APP(
		     ",'securityContext':" RESTRICTED_CTR) ","
							   "{'name':'p','image':'p','command':['p'],'securityContext':{'privileged':true,"
							   "'capabilities':{'drop':['ALL']}}}]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 "no container of the pod can hold CAP_SETGID"},
	{"restricted but SETGID added back: enforce",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(RESTRICTED_SC,
	     "'containers':[" APP(",'securityContext':{'capabilities':{'drop':['ALL'],'add':["
				  "'CAP_SETGID']}}") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"restricted but ALL added: enforce",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(RESTRICTED_SC,
	     "'containers':[" APP(",'securityContext':{'capabilities':{'drop':['"
				  "ALL'],'add':['ALL']}}") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"CAP_SETGID dropped but added back: no warning",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'securityContext':{'capabilities':{'drop':['ALL'],'add':['SETGID']}}") "]"),
	 WH_INJECTED,
	 {0},
	 NULL,
	 NULL,
	 ""},
	{"refuse mode needs no CAP_SETGID: no warning",
	 WH_MODE_REFUSE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(
		     ",'securityContext':{'capabilities':{'drop':['CAP_SETGID']}}") "]"),
	 WH_INJECTED,
	 {0},
	 NULL,
	 NULL,
	 ""},
	{"--lock=1 is sealed when the admin sets it",
	 WH_MODE_ENFORCE,
	 false,
	 true,
	 POD(SC_1000, "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--lock=1','--gid=1000'",
						    "gid-1000")},
	 NULL,
	 NULL,
	 ""},
	{"--lock=1 is not sealed in audit mode, where strict-init refuses the lock (64)",
	 WH_MODE_AUDIT,
	 false,
	 true,
	 POD(SC_1000, "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=['/strict-init','install','--groups=60000','--mode=audit',"
	  "'--no-new-privs=1','--gid=1000','/strict-groups/strict-init-gid-1000']"},
	 NULL,
	 NULL,
	 ""},
	{"audit mode: env STRICT_GROUPS_LOCK=1 would make strict-init refuse: left as it is, said",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_LOCK','value':'1'}]") "]"),
	 WH_WOULD_DENY,
	 {"/spec/containers/0/command=['/app','-x']"},
	 "env STRICT_GROUPS_LOCK=1 contradicts the sealed policy (audit mode: 0 or unset)",
	 "env STRICT_GROUPS_LOCK=1 contradicts the sealed policy (audit mode: 0 or unset)",
	 NULL},
	{"audit mode: env STRICT_GROUPS_PRELOAD likewise",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_PRELOAD','value':'/g.so'}]") "]"),
	 WH_WOULD_DENY,
	 {0},
	 "env STRICT_GROUPS_PRELOAD=/g.so contradicts",
	 "env STRICT_GROUPS_PRELOAD=/g.so contradicts the sealed policy",
	 NULL},
	{"enforce mode, lock not sealed: env STRICT_GROUPS_LOCK=1 adds it",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_LOCK','value':'1'}]") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']"},
	 NULL,
	 NULL,
	 ""},
	{"lock sealed: env STRICT_GROUPS_LOCK=0 contradicts it",
	 WH_MODE_ENFORCE,
	 false,
	 true,
	 POD(SC_1000,
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_LOCK','value':'0'}]") "]"),
	 WH_DENIED,
	 {0},
	 "env STRICT_GROUPS_LOCK=0 contradicts the sealed policy (1)",
	 NULL,
	 NULL},
	{"nine sealed copies need a 2Mi emptyDir",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{}",
	     "'containers':["
	     "{'name':'a1','image':'a','command':['a'],'securityContext':{'runAsGroup':1}},"
	     "{'name':'a2','image':'a','command':['a'],'securityContext':{'runAsGroup':2}},"
	     "{'name':'a3','image':'a','command':['a'],'securityContext':{'runAsGroup':3}},"
	     "{'name':'a4','image':'a','command':['a'],'securityContext':{'runAsGroup':4}},"
	     "{'name':'a5','image':'a','command':['a'],'securityContext':{'runAsGroup':5}},"
	     "{'name':'a6','image':'a','command':['a'],'securityContext':{'runAsGroup':6}},"
	     "{'name':'a7','image':'a','command':['a'],'securityContext':{'runAsGroup':7}},"
	     "{'name':'a8','image':'a','command':['a'],'securityContext':{'runAsGroup':8}},"
	     "{'name':'a9','image':'a','command':['a'],'securityContext':{'runAsGroup':9}}]"),
	 WH_INJECTED,
	 {"/spec/volumes/0/emptyDir/sizeLimit='2Mi'",
	  "/spec/initContainers/8/name='strict-groups-install-gid-9'"},
	 NULL,
	 NULL,
	 ""},
	{"malformed: runAsGroup as a string",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':'1000'}", "'containers':[" APP("") "]"),
	 WH_DENIED,
	 {0},
	 "spec.securityContext.runAsGroup is not a gid",
	 NULL,
	 NULL},
	{"malformed: a negative supplementary group",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'supplementalGroups':[-1]}", "'containers':[" APP("") "]"),
	 WH_DENIED,
	 {0},
	 "supplementalGroups[0] is not a gid",
	 NULL,
	 NULL},
	{"malformed: gid 4294967295 (no change for setgroups)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsGroup':1000,'fsGroup':4294967295}", "'containers':[" APP("") "]"),
	 WH_DENIED,
	 {0},
	 "fsGroup is not a gid",
	 NULL,
	 NULL},
	{"malformed: a command that is not a list of strings",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[{'name':'a','image':'a','command':['a',1]}]"),
	 WH_DENIED,
	 {0},
	 "container a: command is not a list of strings",
	 NULL,
	 NULL},
	{"malformed: no containers",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[]"),
	 WH_DENIED,
	 {0},
	 "no containers",
	 NULL,
	 NULL},
	{"malformed: metadata that is not an object",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'apiVersion':'v1','kind':'Pod','metadata':'p',"
	 "'spec':{'securityContext':" SC_1000 ",'containers':[" APP("") "]}}",
	 WH_DENIED,
	 {0},
	 "metadata is not an object",
	 NULL,
	 NULL},
	{"malformed: annotations that are not an object",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':['a']},"
	 "'spec':{'securityContext':" SC_1000 ",'containers':[" APP("") "]}}",
	 WH_DENIED,
	 {0},
	 "metadata.annotations is not an object",
	 NULL,
	 NULL},
	{"no metadata at all: made, with the annotation",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'apiVersion':'v1','kind':'Pod',"
	 "'spec':{'securityContext':" SC_1000 ",'containers':[" APP("") "]}}",
	 WH_INJECTED,
	 {"/metadata/annotations/strict-groups~1injected='{\\'copies\\':{\\'gid-1000\\':[\\'app\\']},"
	  "\\'groups\\':\\'60000\\',\\'mode\\':\\'enforce\\',\\'version\\':\\'0.1.0\\'}'"},
	 NULL,
	 NULL,
	 ""},
	{"malformed: a container without a name",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[{'image':'a','command':['a']}]"),
	 WH_DENIED,
	 {0},
	 "container 0 has no name",
	 NULL,
	 NULL},
	{"a hostile name is shown printable and short",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'a\\nb\\u00e9xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx','image':'a'}]"),
	 WH_DENIED,
	 {0},
	 "container a?b??xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... sets no command",
	 NULL,
	 NULL},

	/* ---- containers without command: their image's ENTRYPOINT and CMD
	 * (Kubernetes' rules, docs/design.md), escaped for kubelet ---- */
	{"no command, no args: ENTRYPOINT after --, CMD as args, both escaped; pinned to the digest",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(",'/bin/sh','-c'"),
	  "/spec/containers/0/args=['echo $$(HOME) $$$$ $$x']",
	  "/spec/containers/0/image='reg.test/web@" DIG "'",
	  "/spec/initContainers/0/name='strict-groups-install-gid-1000'",
	  "/spec/containers/0/volumeMounts=[" MOUNT_RO "]"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD)},
	{"args only: ENTRYPOINT + the pod's args, which stay as written (kubelet expands them)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB(",'args':['$(HOME)','$$']") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(",'/bin/sh','-c'"),
	  "/spec/containers/0/args=['$(HOME)','$$']"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD)},
	{"ENTRYPOINT only: no args added",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(",'/bin/sleep','1$$'"), "!/spec/containers/0/args"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Entrypoint':['/bin/sleep','1$']}")},
	{"CMD only: nothing after --, CMD as args (and a fixed point without a lookup)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(""), "/spec/containers/0/args=['/bin/id','-G']"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Cmd':['/bin/id','-G']}")},
	{"CMD only, args set: the pod's args replace CMD",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB(",'args':['/bin/true']") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(""), "/spec/containers/0/args=['/bin/true']"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Cmd':['/bin/id','-G']}")},
	{"ENTRYPOINT [''] (a Dockerfile's ENTRYPOINT [\"\"]) counts as none",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(""), "/spec/containers/0/args=['/bin/id']"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Entrypoint':[''],'Cmd':['/bin/id']}")},
	{"neither ENTRYPOINT nor CMD, args set: the args are the command",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB(",'args':['/bin/id']") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(""), "/spec/containers/0/args=['/bin/id']"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Entrypoint':null,'Cmd':[]}")},
	{"neither ENTRYPOINT nor CMD nor args: denied, nothing to run",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command or args and its image has no ENTRYPOINT or CMD: nothing to run",
	 NULL,
	 NULL,
	 WEB_IMAGE("{'User':'1000'}")},
	{"a pod's command still wins: the image is neither read nor pinned",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB(",'command':['/x'],'args':['$$']") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=" WRAPPED(",'/x'"), "/spec/containers/0/args=['$$']",
	  "/spec/containers/0/image='reg.test/web:1'"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD)},
	{"init and app containers from images, each its own; one image looked up for two containers",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'initContainers':[{'name':'init','image':'reg.test:5000/team/init:2.1'}],"
	     "'containers':[" WEB("") ",{'name':'web2','image':'reg.test/web:1','args':['x']}]"),
	 WH_INJECTED,
	 {"/spec/initContainers/1/command=" WRAPPED(",'/init'"),
	  "/spec/initContainers/1/image='reg.test:5000/team/init@" DIG2 "'",
	  "/spec/containers/0/args=['echo $$(HOME) $$$$ $$x']",
	  "/spec/containers/1/command=" WRAPPED(",'/bin/sh','-c'"), "/spec/containers/1/args=['x']",
	  "/spec/containers/1/image='reg.test/web@" DIG "'"},
	 NULL,
	 NULL,
	 "",
	 "{" LOOKUP("reg.test/web:1", EP_CMD) ",'reg.test:5000/team/init:2.1':{'config':"
					      "{'Entrypoint':['/init']},'digest':'" DIG2 "'}}"},
	{"pinning keeps the pod's spelling: no tag, a port, a short name",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'a','image':'nginx'},{'name':'b','image':'localhost:5000/x'},"
	     "{'name':'c','image':'Reg.Test/x:v1'}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/image='nginx@" DIG "'",
	  "/spec/containers/1/image='localhost:5000/x@" DIG "'",
	  "/spec/containers/2/image='Reg.Test/x@" DIG "'"},
	 NULL,
	 NULL,
	 "",
	 "{" LOOKUP("nginx", EP_CMD) "," LOOKUP("localhost:5000/x",
						EP_CMD) "," LOOKUP("Reg.Test/x:v1", EP_CMD) "}"},
	{"a reference with a digest (and one with a tag too) stays as it is",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000,
	     "'containers':[{'name':'a','image':'reg.test/a@" DIG2 "'},"
	     "{'name':'b','image':'reg.test/b:1@" DIG2 "'}]"),
	 WH_INJECTED,
	 {"/spec/containers/0/image='reg.test/a@" DIG2 "'",
	  "/spec/containers/1/image='reg.test/b:1@" DIG2 "'",
	  "/spec/containers/1/args=['echo $$(HOME) $$$$ $$x']"},
	 NULL,
	 NULL,
	 "",
	 "{" LOOKUP("reg.test/a@" DIG2, EP_CMD) "," LOOKUP("reg.test/b:1@" DIG2, EP_CMD) "}"},
	{"--pin-digest=0: the image stays as written",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/image='reg.test/web:1'",
	  "/spec/containers/0/command=" WRAPPED(",'/bin/sh','-c'")},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD),
	 OPT_NO_PIN},
	{"a lookup without a digest cannot be pinned: denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "the lookup named no digest to pin it to",
	 NULL,
	 NULL,
	 "{'reg.test/web:1':{'config':{'Cmd':['x']}}}"},
	{"a failed lookup: denied, naming the container, the image and why",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "," WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command, and what its image runs could not be read: "
	 "image reg.test/web:1: connection refused",
	 NULL,
	 NULL,
	 "{'reg.test/web:1':{'error':'unreachable','message':'image reg.test/web:1: connection refused'}}"},
	{"an image that was not looked up: denied",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command, and what its image runs could not be read: its image was "
	 "not looked up",
	 NULL,
	 NULL,
	 "{}"},
	{"--on-lookup-failure=skip: admitted unchanged, with a warning and an annotation",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "," WEB("") "]"),
	 WH_SKIPPED,
	 {"/spec/containers/0/command=['/app','-x']", "!/spec/containers/1/command",
	  "!/spec/initContainers",
	  "/metadata/annotations/strict-groups~1skipped='{\\'images\\':[\\'reg.test/web:1\\'],"
	  "\\'reason\\':\\'image lookup failed\\'}'"},
	 "admitted without strict-init",
	 "image reg.test/web:1: deadline passed: the pod is admitted "
	 "without strict-init (--on-lookup-failure=skip)",
	 NULL,
	 "{'reg.test/web:1':{'error':'timeout','message':'image reg.test/web:1: deadline passed'}}",
	 OPT_SKIP},
	{"--on-lookup-failure=skip takes out what a pod put under the webhook's names: installers, "
	 "volume, copies, annotation",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'metadata':{'annotations':{'strict-groups/injected':'{}','keep':'k'}},'spec':{"
	 "'securityContext':" SC_1000 ",'volumes':[{'name':'strict-groups','emptyDir':{}},"
	 "{'name':'data','emptyDir':{}}],'initContainers':[{'name':'strict-groups-install-gid-1000',"
	 "'image':'evil','command':['plant']}],'containers':[{'name':'app','image':'a','command':["
	 "'/strict-groups/strict-init-gid-1000','--','id'],'args':['-G'],'volumeMounts':[{'name':"
	 "'strict-groups','mountPath':'/strict-groups'},{'name':'data','mountPath':'/data'}],"
	 "'livenessProbe':{'exec':{'command':[" COPY1000 ",'--','true']}}}," WEB("") "]}}",
	 WH_SKIPPED,
	 {"!/spec/initContainers/0", "/spec/volumes=[{'name':'data','emptyDir':{}}]",
	  "/spec/containers/0/command=['id']", "/spec/containers/0/args=['-G']",
	  "/spec/containers/0/volumeMounts=[{'name':'data','mountPath':'/data'}]",
	  "/spec/containers/0/livenessProbe/exec/command=['true']",
	  "!/metadata/annotations/strict-groups~1injected", "/metadata/annotations/keep='k'",
	  "/metadata/annotations/strict-groups~1skipped='{\\'images\\':[\\'reg.test/web:1\\'],"
	  "\\'reason\\':\\'image lookup failed\\'}'"},
	 "admitted without strict-init",
	 "the pod's own strict-groups parts (installers, volume strict-groups, copies, annotation: "
	 "reserved) are taken out",
	 NULL,
	 "{'reg.test/web:1':{'error':'timeout','message':'t'}}",
	 OPT_SKIP},
	{"audit mode, nothing wrapped: a pod's own strict-groups/injected annotation is taken out",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 "{'metadata':{'annotations':{'strict-groups/injected':'{\\'mode\\':\\'enforce\\'}'}},"
	 "'spec':{'securityContext':" SC_1000
	 ",'containers':[" APP("") ",{'name':"
				   "'strict-groups-install-x','image':'x','command':['x']}]}}",
	 WH_WOULD_DENY,
	 {"!/metadata/annotations/strict-groups~1injected",
	  "/spec/containers/0/command=['/app','-x']",
	  AUDIT_POINTER
	  "='would deny: container name "
	  "strict-groups-install-x is reserved for strict-groups\\u0027 installers (strict-groups-install-*)'"},
	 "container name strict-groups-install-x is reserved",
	 "is reserved",
	 NULL},
	{"a command read from the image is recorded (fromImage), for updates of its image",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "," WEB("") "]"),
	 WH_INJECTED,
	 {"/metadata/annotations/strict-groups~1injected='{\\'copies\\':{\\'gid-1000\\':[\\'app\\',"
	  "\\'web\\']},\\'fromImage\\':[\\'web\\'],\\'groups\\':\\'60000\\',\\'mode\\':"
	  "\\'enforce\\',\\'version\\':\\'0.1.0\\'}'"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD)},
	{"--on-lookup-failure=skip does not admit what the policy refuses anyway (no runAsGroup)",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{}", "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "container web has no runAsGroup",
	 NULL,
	 NULL,
	 "{'reg.test/web:1':{'error':'timeout','message':'t'}}",
	 OPT_SKIP},
	{"platforms that disagree are a verdict, not a failure: denied, also with skip",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "container web sets no command, and its image's platforms do not run the same thing: "
	 "linux/amd64 and linux/arm64 have different CMD",
	 NULL,
	 NULL,
	 "{'reg.test/web:1':{'error':'platforms_disagree','message':'linux/amd64 and linux/arm64 have "
	 "different CMD'}}",
	 OPT_SKIP},
	{"audit mode: a failed lookup leaves that container as it is, with a warning; the others wrapped",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "," WEB("") "]"),
	 WH_WOULD_DENY,
	 {"/metadata/annotations/strict-groups~1audit='would deny: container web sets no command, and what its image runs could not be read'",
	  "/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']",
	  "!/spec/containers/1/command", "/spec/containers/1/image='reg.test/web:1'"},
	 "could not be read: registry says 503",
	 "could not be read: registry says 503 (audit mode: left as it is)",
	 NULL,
	 "{'reg.test/web:1':{'error':'registry','message':'registry says 503'}}"},
	{"an injected pod's earlier skip annotation goes",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'metadata':{'annotations':{'strict-groups/skipped':'x','keep':'y'}},'spec':{'securityContext':" SC_1000
	 ",'containers':[" WEB("") "]}}",
	 WH_INJECTED,
	 {"!/metadata/annotations/strict-groups~1skipped", "/metadata/annotations/keep='y'"},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE(EP_CMD)},
	{"USER 1000:2000 names no primary gid on Kubernetes: without runAsGroup, denied, saying why",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD("{'runAsUser':1000,'supplementalGroups':[60000]}", "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "its image would choose the primary gid (the group in its image's USER does not count: "
	 "kubelet gives the runtime only the user",
	 NULL,
	 NULL,
	 WEB_IMAGE("{'Cmd':['x'],'User':'1000:2000'}")},
	{"USER 1000:2000 with runAsGroup: the pod's gid is sealed",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_INJECTED,
	 {"/spec/initContainers/0/command=" INSTALL("60000", ",'--gid=1000'", "gid-1000")},
	 NULL,
	 NULL,
	 "",
	 WEB_IMAGE("{'Cmd':['x'],'User':'1000:2000'}")},
	{"a wrapped command with nothing after -- and no args: nothing to run",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[{'name':'app','image':'a','command':[" COPY1000 ",'--']}]"),
	 WH_DENIED,
	 {0},
	 "container app runs strict-init with nothing after \"--\" and no args: nothing to run",
	 NULL,
	 NULL},
	{"malformed: args that are not a list of strings",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB(",'args':'x'") "]"),
	 WH_DENIED,
	 {0},
	 "container web: args is not a list of strings",
	 NULL,
	 NULL,
	 WEB_IMAGE(EP_CMD)},
	{"a pod's own strict-groups/audit annotation goes: the webhook's name",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 "{'apiVersion':'v1','kind':'Pod','metadata':{'name':'p','annotations':{"
	 "'strict-groups/audit':'would deny: nothing'}},'spec':{'securityContext':" SC_1000 ","
	 "'containers':[" APP("") "]}}",
	 WH_INJECTED,
	 {"!/metadata/annotations/strict-groups~1audit"},
	 NULL,
	 NULL,
	 ""},
	{"audit mode, nothing enforce would refuse: injected, no audit annotation, no warning",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" APP("") "]"),
	 WH_INJECTED,
	 {"/spec/containers/0/command=[" COPY1000 ",'--','/app','-x']"},
	 NULL,
	 NULL,
	 ""},
	{"audit mode, several reasons: each in the annotation, in order",
	 WH_MODE_AUDIT,
	 false,
	 false,
	 POD("{'supplementalGroups':[60000]}",
	     "'containers':[" APP(",'env':[{'name':'STRICT_GROUPS_LOCK','value':'1'}]") "]"),
	 WH_WOULD_DENY,
	 {"/metadata/annotations/strict-groups~1audit='would deny: container app has no "
	  "runAsGroup (nor has the pod): its image would choose the primary gid; container app: "
	  "env STRICT_GROUPS_LOCK=1 contradicts the sealed policy (audit mode: 0 or unset)'"},
	 "container app: env STRICT_GROUPS_LOCK=1",
	 NULL,
	 NULL},
	{"a lookup's message with a control character is said on one line",
	 WH_MODE_ENFORCE,
	 false,
	 false,
	 POD(SC_1000, "'containers':[" WEB("") "]"),
	 WH_DENIED,
	 {0},
	 "could not be read: registry?says 503",
	 NULL,
	 NULL,
	 "{'reg.test/web:1':{'error':'registry','message':'registry\\rsays 503'}}"},
};
#pragma GCC diagnostic pop

static struct wh_settings settings_for(const struct mcase *c)
{
	return (struct wh_settings){.image = "strict-groups:0.1.0",
				    .image_pull_policy = "IfNotPresent",
				    .mode = c->mode,
				    .allow_image_gid = c->allow_image_gid,
				    .no_new_privs = true,
				    .lock = c->lock,
				    .pin_digest = !(c->opts & OPT_NO_PIN),
				    .skip_on_lookup_failure = c->opts & OPT_SKIP,
				    .version = "0.1.0"};
}

static bool warnings_contain(const json_t *warnings, const char *needle)
{
	size_t i;
	const json_t *w;

	json_array_foreach(warnings, i, w)
		if (strstr(json_string_value(w), needle))
			return true;
	return false;
}

static void check_pointer(json_t *pod, const char *check)
{
	const char *eq = strchr(check, '=');
	char pointer[256];
	json_t *want, *have;

	if (check[0] == '!') {
		if (pointer_get(pod, check + 1))
			fail_msg("%s is present", check + 1);
		return;
	}
	assert_non_null(eq);
	snprintf(pointer, sizeof(pointer), "%.*s", (int)(eq - check), check);
	have = pointer_get(pod, pointer);
	if (!have)
		fail_msg("%s is absent", pointer);
	want = J(eq + 1);
	if (!json_equal(have, want)) {
		char *h = json_dumps(have, JSON_COMPACT | JSON_SORT_KEYS);

		print_error("%s is %s\n", pointer, h);
		free(h);
		fail_msg("%s differs from %s", pointer, eq + 1);
	}
	json_decref(want);
}

static void run_case(const struct mcase *c)
{
	struct wh_settings s = settings_for(c);
	json_t *pod = J(c->pod), *patched, *lookups = c->images ? J(c->images) : NULL;
	struct test_images images;
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};
	struct wh_result res, again;

	assert_int_equal(test_images_load(lookups, &images), 0);
	req.images = images.v;
	req.n_images = images.n;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	if (res.outcome != c->outcome)
		fail_msg("outcome %s (%s), expected %s", mutate_outcome_name(res.outcome),
			 res.message ? res.message : "", mutate_outcome_name(c->outcome));
	if (c->message && (!res.message || !strstr(res.message, c->message)))
		fail_msg("message '%s' lacks '%s'", res.message ? res.message : "", c->message);
	if (c->warning && !warnings_contain(res.warnings, c->warning))
		fail_msg("no warning with '%s'", c->warning);
	if (c->no_warning &&
	    (*c->no_warning ? warnings_contain(res.warnings, c->no_warning) :
			      json_array_size(res.warnings) > 0))
		fail_msg("unexpected warning: %s",
			 json_string_value(json_array_get(res.warnings, 0)));
	/* a patch injects, or would deny (the pod carries why:
	 * WH_AUDIT_ANNOTATION), or (skipped) takes out what the pod put under
	 * the webhook's names and says why */
	if (c->outcome != WH_SKIPPED || res.lookup_skipped)
		assert_int_equal(json_array_size(res.patch) > 0,
				 c->outcome == WH_INJECTED || c->outcome == WH_WOULD_DENY ||
					 res.lookup_skipped);
	assert_int_equal(res.lookup_skipped, c->outcome == WH_SKIPPED && (c->opts & OPT_SKIP));
	if (c->outcome == WH_DENIED)
		assert_true(res.code == 400 || res.code == 403);
	patched = json_deep_copy(pod);
	assert_int_equal(patch_apply(&patched, res.patch), 0);
	for (size_t i = 0; i < sizeof(c->checks) / sizeof(c->checks[0]) && c->checks[i]; i++)
		check_pointer(patched, c->checks[i]);
	if (c->outcome == WH_WOULD_DENY) {
		const char *said = json_string_value(pointer_get(patched, AUDIT_POINTER));

		assert_non_null(said);
		/* the reasons of the denial, but for the lookups' (which can
		 * change from one try to the next) */
		assert_true(strncmp(said, "would deny: ", 12) == 0);
		assert_true(strstr(res.message, said + 12) == res.message ||
			    (c->images && strstr(said, "could not be read")));
	} else {
		assert_null(pointer_get(patched, AUDIT_POINTER));
	}
	/* Sent again, as the API server does with reinvocationPolicy
	 * IfNeeded: unchanged, and with no image to look up (a wrapped
	 * container sets a command). */
	if (c->outcome == WH_SKIPPED && json_array_size(res.patch)) {
		/* sent again (with the same lookups): nothing more to take out */
		req.pod = patched;
		assert_int_equal(mutate_pod(&s, &req, &again), 0);
		assert_int_equal(json_array_size(again.patch), 0);
		mutate_result_free(&again);
	}
	if (c->outcome == WH_INJECTED || c->outcome == WH_WOULD_DENY) {
		json_t *needed;

		req.pod = patched;
		req.images = NULL;
		req.n_images = 0;
		needed = mutate_images_needed(&req);
		if (c->mode != WH_MODE_AUDIT)
			assert_int_equal(json_array_size(needed), 0);
		json_decref(needed);
		assert_int_equal(mutate_pod(&s, &req, &again), 0);
		if (again.outcome != (c->outcome == WH_INJECTED ? WH_UNCHANGED : WH_WOULD_DENY) ||
		    json_array_size(again.patch)) {
			char *p = json_dumps(again.patch, JSON_COMPACT);

			fail_msg("second pass: %s %s", mutate_outcome_name(again.outcome), p);
		}
		mutate_result_free(&again);
	}
	mutate_result_free(&res);
	json_decref(patched);
	json_decref(pod);
	test_images_free(&images);
	json_decref(lookups);
}

static void test_case(void **state)
{
	run_case(*state);
}

/* ---- ephemeral containers (kubectl debug) ------------------------------- */

/* The pod as the webhook admitted it under the settings of c. */
static json_t *injected_pod_as(const struct mcase *c, const char *pod_text)
{
	struct wh_settings s = settings_for(c);
	json_t *pod = J(pod_text);
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};
	struct wh_result res;

	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	assert_int_equal(patch_apply(&pod, res.patch), 0);
	mutate_result_free(&res);
	return pod;
}

static json_t *injected_pod(const char *pod_text)
{
	struct mcase c = {.mode = WH_MODE_ENFORCE};

	return injected_pod_as(&c, pod_text);
}

static void ephemeral(json_t *old, const char *added, enum wh_mode mode, enum wh_outcome want,
		      const char *check, const char *text)
{
	struct mcase c = {.mode = mode};
	struct wh_settings s = settings_for(&c);
	json_t *pod = json_deep_copy(old), *patched;
	struct wh_request req = {.op = WH_OP_EPHEMERAL, .old_pod = old};
	struct wh_result res, again;
	json_t *spec = json_object_get(pod, "spec");

	if (!json_object_get(spec, "ephemeralContainers"))
		json_object_set_new(spec, "ephemeralContainers", json_array());
	json_array_append_new(json_object_get(spec, "ephemeralContainers"), J(added));
	req.pod = pod;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	if (res.outcome != want)
		fail_msg("outcome %s (%s)", mutate_outcome_name(res.outcome),
			 res.message ? res.message : "");
	if (text && !(res.message && strstr(res.message, text)) &&
	    !warnings_contain(res.warnings, text))
		fail_msg("'%s' not said", text);
	patched = json_deep_copy(pod);
	assert_int_equal(patch_apply(&patched, res.patch), 0);
	if (check)
		check_pointer(patched, check);
	if (want == WH_INJECTED) {
		size_t i;
		const json_t *op;

		/* only the new container is touched */
		json_array_foreach(res.patch, i, op)
			assert_non_null(strstr(json_string_value(json_object_get(op, "path")),
					       "/spec/ephemeralContainers/"));
		req.pod = patched;
		assert_int_equal(mutate_pod(&s, &req, &again), 0);
		assert_int_equal(again.outcome, WH_UNCHANGED);
		mutate_result_free(&again);
	}
	mutate_result_free(&res);
	json_decref(patched);
	json_decref(pod);
}

static void test_ephemeral(void **state)
{
	json_t *old = injected_pod(POD(SC_1000, "'containers':[" APP("") "]"));
	json_t *plain = J(POD(SC_1000, "'containers':[" APP("") "]"));

	(void)state;
	ephemeral(old, "{'name':'debug','image':'busybox','command':['sh']}", WH_MODE_ENFORCE,
		  WH_INJECTED, "/spec/ephemeralContainers/0/command=[" COPY1000 ",'--','sh']",
		  NULL);
	ephemeral(old, "{'name':'debug','image':'busybox','command':['sh']}", WH_MODE_ENFORCE,
		  WH_INJECTED, "/spec/ephemeralContainers/0/volumeMounts=[" MOUNT_RO "]", NULL);
	ephemeral(old,
		  "{'name':'debug','image':'busybox','command':['sh'],'securityContext':"
		  "{'runAsGroup':3000}}",
		  WH_MODE_ENFORCE, WH_DENIED, NULL, "needs a strict-init sealed with gid 3000");
	ephemeral(old, "{'name':'debug','image':'busybox'}", WH_MODE_ENFORCE, WH_DENIED, NULL,
		  "ephemeral container debug sets no command");
	ephemeral(plain, "{'name':'debug','image':'busybox','command':['sh']}", WH_MODE_ENFORCE,
		  WH_DENIED, NULL, "was not injected");
	/* audit: enforce would refuse it; said, and the update has nothing to
	 * patch (its metadata is the stored pod's) */
	ephemeral(plain, "{'name':'debug','image':'busybox','command':['sh']}", WH_MODE_AUDIT,
		  WH_WOULD_DENY, NULL, "was not injected");
	/* an old ephemeral container is left alone: the API server refuses
	 * changes to it */
	{
		json_t *with_old = json_deep_copy(old);

		json_object_set_new(json_object_get(with_old, "spec"), "ephemeralContainers",
				    J("[{'name':'old','image':'b','command':['x']}]"));
		ephemeral(with_old, "{'name':'new','image':'b','command':['y']}", WH_MODE_ENFORCE,
			  WH_INJECTED, "/spec/ephemeralContainers/0/command=['x']", NULL);
		json_decref(with_old);
	}
	/* the installers of the existing pod say what was sealed, whatever the
	 * webhook's settings are now */
	{
		struct mcase lc = {.mode = WH_MODE_ENFORCE, .lock = true};
		json_t *locked = injected_pod_as(&lc, POD(SC_1000, "'containers':[" APP("") "]"));

		ephemeral(locked,
			  "{'name':'debug','image':'b','command':['sh'],'env':[{'name':"
			  "'STRICT_GROUPS_LOCK','value':'0'}]}",
			  WH_MODE_ENFORCE, WH_DENIED, NULL,
			  "env STRICT_GROUPS_LOCK=0 contradicts the sealed policy (1)");
		ephemeral(old,
			  "{'name':'debug','image':'b','command':['sh'],'env':[{'name':"
			  "'STRICT_GROUPS_LOCK','value':'0'}]}",
			  WH_MODE_ENFORCE, WH_INJECTED, NULL, NULL);
		json_decref(locked);
	}
	/* likewise the mode: a pod created in audit mode, the webhook now
	 * enforcing: the copies say audit */
	{
		struct mcase ac = {.mode = WH_MODE_AUDIT};
		json_t *audited = injected_pod_as(&ac, POD(SC_1000, "'containers':[" APP("") "]"));

		ephemeral(audited,
			  "{'name':'debug','image':'b','command':['sh'],'env':[{'name':"
			  "'STRICT_GROUPS_MODE','value':'audit'}]}",
			  WH_MODE_ENFORCE, WH_INJECTED, NULL, NULL);
		ephemeral(audited,
			  "{'name':'debug','image':'b','command':['sh'],'env':[{'name':"
			  "'STRICT_GROUPS_MODE','value':'enforce'}]}",
			  WH_MODE_ENFORCE, WH_DENIED, NULL,
			  "env STRICT_GROUPS_MODE=enforce contradicts the sealed policy (audit)");
		json_decref(audited);
	}
	json_decref(old);
	json_decref(plain);
}

/* An ephemeral containers update: the API server keeps only the new
 * ephemeral containers of its body and restores the rest from the stored
 * pod, so what the pod is (mirror, windows, injected) is read from
 * oldObject; a body that claims otherwise is wrapped all the same. */
static void test_ephemeral_claims(void **state)
{
	json_t *old = injected_pod(POD(SC_1000, "'containers':[" APP("") "]"));
	static const char *const claims[] = {
		"/metadata/annotations",
		"{'kubernetes.io/config.mirror':'x'}",
		"/spec/os",
		"{'name':'windows'}",
	};
	struct mcase c = {.mode = WH_MODE_ENFORCE};
	struct wh_settings s = settings_for(&c);
	struct wh_result res;

	(void)state;
	for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i += 2) {
		json_t *pod = json_deep_copy(old), *patched;
		json_t *patch = json_pack(
			"[{s:s, s:s, s:o}, {s:s, s:s, s:o}]", "op", "add", "path", claims[i],
			"value", J(claims[i + 1]), "op", "add", "path", "/spec/ephemeralContainers",
			"value", J("[{'name':'debug','image':'busybox','command':['sh']}]"));
		struct wh_request req = {.op = WH_OP_EPHEMERAL, .pod = pod, .old_pod = old};
		json_t *needed;

		assert_int_equal(patch_apply(&pod, patch), 0);
		req.pod = pod;
		needed = mutate_images_needed(&req);
		assert_int_equal(json_array_size(needed), 0);
		json_decref(needed);
		assert_int_equal(mutate_pod(&s, &req, &res), 0);
		if (res.outcome != WH_INJECTED)
			fail_msg("%s: %s (%s)", claims[i], mutate_outcome_name(res.outcome),
				 res.message ? res.message : "");
		patched = json_deep_copy(pod);
		assert_int_equal(patch_apply(&patched, res.patch), 0);
		check_pointer(patched,
			      "/spec/ephemeralContainers/0/command=[" COPY1000 ",'--','sh']");
		mutate_result_free(&res);
		json_decref(patched);
		json_decref(patch);
		json_decref(pod);
	}
	/* a stored mirror pod is left alone, whatever the body says */
	{
		json_t *mirror =
			J("{'metadata':{'annotations':{'kubernetes.io/config.mirror':'x'}},"
			  "'spec':{'containers':[{'name':'w','image':'w'}]}}");
		json_t *pod = J("{'metadata':{},'spec':{'containers':[{'name':'w','image':'w'}],"
				"'ephemeralContainers':[{'name':'d','image':'b'}]}}");
		struct wh_request req = {.op = WH_OP_EPHEMERAL, .pod = pod, .old_pod = mirror};
		json_t *needed = mutate_images_needed(&req);

		assert_int_equal(json_array_size(needed), 0);
		json_decref(needed);
		assert_int_equal(mutate_pod(&s, &req, &res), 0);
		assert_int_equal(res.outcome, WH_SKIPPED);
		assert_non_null(strstr(res.message, "mirror pod"));
		mutate_result_free(&res);
		json_decref(mirror);
		json_decref(pod);
	}
	json_decref(old);
}

/* An update (UPDATE pods) of old into old patched by change (a JSONPatch,
 * single-quoted): its outcome and, when denied, the message holds text. */
static void update(const struct wh_settings *s, const json_t *old, const char *change,
		   enum wh_outcome want, const char *text)
{
	json_t *pod = json_deep_copy(old), *patch = J(change);
	struct wh_request req = {.op = WH_OP_UPDATE, .old_pod = old};
	struct wh_result res;
	json_t *needed;

	assert_int_equal(patch_apply(&pod, patch), 0);
	req.pod = pod;
	needed = mutate_images_needed(&req);
	assert_int_equal(json_array_size(needed), 0);
	json_decref(needed);
	assert_int_equal(mutate_pod(s, &req, &res), 0);
	if (res.outcome != want)
		fail_msg("%s: %s (%s)", change, mutate_outcome_name(res.outcome),
			 res.message ? res.message : "");
	assert_int_equal(json_array_size(res.patch), 0);
	if (text && !(res.message && strstr(res.message, text)))
		fail_msg("%s: '%s' lacks '%s'", change, res.message ? res.message : "", text);
	if (want == WH_DENIED)
		assert_int_equal(res.code, 403);
	mutate_result_free(&res);
	json_decref(patch);
	json_decref(pod);
}

/* What the webhook put in a pod cannot change by an update, in any mode;
 * the rest of what an update may change passes. */
static void test_update(void **state)
{
	struct mcase c = {.mode = WH_MODE_ENFORCE};
	struct wh_settings s = settings_for(&c), audit = s;
	json_t *lookups = J(WEB_IMAGE(EP_CMD)),
	       *old = J(POD(
		       SC_1000,
		       "'containers':[" APP("") "," WEB(
			       "") "],'initContainers':[{'name':'i','image':'i','command':['i']}]"));
	json_t *plain = J(POD(SC_1000, "'containers':[" APP("") "]"));
	struct test_images images;
	struct wh_request req = {.op = WH_OP_CREATE, .pod = old};
	struct wh_result res;

	(void)state;
	audit.mode = WH_MODE_AUDIT;
	assert_int_equal(test_images_load(lookups, &images), 0);
	req.images = images.v;
	req.n_images = images.n;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	assert_int_equal(patch_apply(&old, res.patch), 0);
	mutate_result_free(&res);
	/* passes: nothing, an app's image whose command is its own, what an
	 * update may change besides */
	update(&s, old, "[]", WH_UNCHANGED, NULL);
	update(&s, old, "[{'op':'replace','path':'/spec/containers/0/image','value':'app:2'}]",
	       WH_UNCHANGED, NULL);
	update(&s, old, "[{'op':'replace','path':'/spec/initContainers/1/image','value':'i:2'}]",
	       WH_UNCHANGED, NULL);
	update(&s, old,
	       "[{'op':'add','path':'/spec/tolerations','value':[{'key':'k','operator':'Exists'}]},"
	       "{'op':'add','path':'/spec/activeDeadlineSeconds','value':60},"
	       "{'op':'add','path':'/metadata/labels','value':{'a':'b'}},"
	       "{'op':'add','path':'/metadata/annotations/other','value':'x'}]",
	       WH_UNCHANGED, NULL);
	/* the installer's image, above all: denied in every mode */
	update(&s, old, "[{'op':'replace','path':'/spec/initContainers/0/image','value':'evil:1'}]",
	       WH_DENIED,
	       "spec.initContainers[0].image: the installer strict-groups-install-gid-1000 cannot "
	       "change");
	update(&audit, old,
	       "[{'op':'replace','path':'/spec/initContainers/0/image','value':'evil:1'}]",
	       WH_DENIED, "the installer strict-groups-install-gid-1000 cannot change");
	update(&s, old, "[{'op':'remove','path':'/spec/initContainers/0'}]", WH_DENIED,
	       "the installer strict-groups-install-gid-1000 cannot be removed");
	update(&s, old,
	       "[{'op':'add','path':'/spec/initContainers/-','value':{'name':"
	       "'strict-groups-install-gid-2','image':'x'}}]",
	       WH_DENIED, "spec.initContainers[2]: an update cannot add an installer");
	/* a command read from the image: its image stays */
	update(&s, old,
	       "[{'op':'replace','path':'/spec/containers/1/image','value':'reg.test/web:2'}]",
	       WH_DENIED,
	       "spec.containers[1].image: container web runs the ENTRYPOINT and CMD the webhook "
	       "read from its image");
	/* the annotation, the volume, what the webhook wrote in a container */
	update(&s, old,
	       "[{'op':'replace','path':'/metadata/annotations/strict-groups~1injected','value':'{}'}]",
	       WH_DENIED,
	       "metadata.annotations[strict-groups/injected] is written by "
	       "strict-groups-webhook alone: an update cannot change it");
	update(&s, old, "[{'op':'remove','path':'/metadata/annotations/strict-groups~1injected'}]",
	       WH_DENIED, "cannot remove it");
	update(&s, old,
	       "[{'op':'add','path':'/metadata/annotations/strict-groups~1skipped','value':'x'}]",
	       WH_DENIED, "metadata.annotations[strict-groups/skipped] is written by");
	update(&s, old, "[{'op':'add','path':'/spec/volumes/0/emptyDir/medium','value':'Memory'}]",
	       WH_DENIED, "spec.volumes: the volume strict-groups cannot change");
	update(&s, old, "[{'op':'replace','path':'/spec/containers/0/command/2','value':'/evil'}]",
	       WH_DENIED,
	       "spec.containers[0].command: what strict-groups-webhook wrote in container app "
	       "cannot change");
	update(&s, old,
	       "[{'op':'add','path':'/spec/containers/0/livenessProbe','value':{'exec':{'command':"
	       "['id']}}}]",
	       WH_DENIED, "spec.containers[0].livenessProbe: what strict-groups-webhook wrote");
	/* a pod the webhook did not inject: it cannot be made to look injected */
	update(&s, plain,
	       "[{'op':'add','path':'/metadata/annotations','value':{'strict-groups/injected':'{}'}}]",
	       WH_DENIED, "an update cannot add it");
	update(&s, plain, "[{'op':'replace','path':'/spec/containers/0/image','value':'x'}]",
	       WH_UNCHANGED, NULL);
	/* a pod injected before commands were read from images were recorded
	 * (no fromImage), in the depth-1 layout: its images may change */
	{
		json_t *earlier = json_deep_copy(old);
		json_t *annotations =
			json_object_get(json_object_get(earlier, "metadata"), "annotations");
		json_t *web = json_array_get(
			json_object_get(json_object_get(earlier, "spec"), "containers"), 1);

		json_object_set_new(annotations, "strict-groups/injected",
				    json_string("{\"copies\":{\"gid-1000\":[\"app\",\"web\"]}}"));
		json_object_set_new(
			web, "command",
			J("['/strict-groups/strict-init-gid-1000','--','/bin/sh','-c']"));
		update(&s, earlier,
		       "[{'op':'replace','path':'/spec/containers/1/image','value':'reg.test/web:2'}]",
		       WH_UNCHANGED, NULL);
		update(&s, earlier,
		       "[{'op':'replace','path':'/spec/containers/1/command/0','value':'/x'}]",
		       WH_DENIED, "spec.containers[1].command");
		json_decref(earlier);
	}
	/* a stored mirror pod: left alone */
	{
		json_t *mirror =
			J("{'metadata':{'annotations':{'kubernetes.io/config.mirror':'x'}},"
			  "'spec':{'containers':[{'name':'w','image':'w'}]}}");

		update(&s, mirror,
		       "[{'op':'add','path':'/metadata/annotations/strict-groups~1injected',"
		       "'value':'{}'}]",
		       WH_SKIPPED, "mirror pod");
		json_decref(mirror);
	}
	test_images_free(&images);
	json_decref(lookups);
	json_decref(plain);
	json_decref(old);
}

/* kubectl debug without a command: the debug image's ENTRYPOINT and CMD,
 * in the copy the pod's installers wrote; the image pinned too. */
static void test_ephemeral_from_image(void **state)
{
	json_t *old = injected_pod(POD(SC_1000, "'containers':[" APP("") "]"));
	json_t *pod = json_deep_copy(old), *patched = NULL;
	json_t *lookups = J("{'busybox':{'config':{'Cmd':['sh']},'digest':'" DIG "'}}");
	struct mcase c = {.mode = WH_MODE_ENFORCE};
	struct wh_settings s = settings_for(&c);
	struct test_images images;
	struct wh_request req = {.op = WH_OP_EPHEMERAL, .pod = pod, .old_pod = old};
	struct wh_result res;
	json_t *needed;

	(void)state;
	json_object_set_new(json_object_get(pod, "spec"), "ephemeralContainers",
			    J("[{'name':'debug','image':'busybox','stdin':true,'tty':true}]"));
	needed = mutate_images_needed(&req);
	assert_int_equal(json_array_size(needed), 1);
	json_decref(needed);
	assert_int_equal(test_images_load(lookups, &images), 0);
	req.images = images.v;
	req.n_images = images.n;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	patched = json_deep_copy(pod);
	assert_int_equal(patch_apply(&patched, res.patch), 0);
	check_pointer(patched, "/spec/ephemeralContainers/0/command=" WRAPPED(""));
	check_pointer(patched, "/spec/ephemeralContainers/0/args=['sh']");
	check_pointer(patched, "/spec/ephemeralContainers/0/image='busybox@" DIG "'");
	mutate_result_free(&res);
	/* a failed lookup with skip: the debug container as it is, said */
	s.skip_on_lookup_failure = true;
	req.n_images = 0;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_SKIPPED);
	assert_true(res.lookup_skipped);
	assert_int_equal(json_array_size(res.patch), 0);
	assert_true(warnings_contain(res.warnings,
				     "ephemeral container debug: its image was not looked up"));
	mutate_result_free(&res);
	test_images_free(&images);
	json_decref(lookups);
	json_decref(patched);
	json_decref(pod);
	json_decref(old);
}

/* The lock's filter encodes at most LOCK_MAX_GIDS (254) allowed gids, the
 * primary gid included: install --lock=1 refuses more (64), so the webhook
 * refuses the pod rather than admit one that never starts. */
static json_t *pod_with_groups(size_t n)
{
	json_t *pod = J(POD(SC_1000, "'containers':[" APP("") "]"));
	json_t *groups = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(groups, json_integer((json_int_t)(70000 + i)));
	json_object_set_new(json_object_get(json_object_get(pod, "spec"), "securityContext"),
			    "supplementalGroups", groups);
	return pod;
}

static void test_lock_group_limit(void **state)
{
	struct mcase c = {.mode = WH_MODE_ENFORCE, .lock = true};
	struct wh_settings s = settings_for(&c);
	struct wh_result res;
	json_t *pod = pod_with_groups(253);
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};

	(void)state;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	mutate_result_free(&res);
	json_decref(pod);
	req.pod = pod = pod_with_groups(254);
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_DENIED);
	assert_non_null(
		strstr(res.message,
		       "the pod has 254 groups (supplementalGroups and fsGroup): "
		       "the seccomp lock (--lock=1) encodes at most 253 with the primary gid"));
	mutate_result_free(&res);
	/* without the lock, any number */
	s.lock = false;
	assert_int_equal(mutate_pod(&s, &req, &res), 0);
	assert_int_equal(res.outcome, WH_INJECTED);
	mutate_result_free(&res);
	json_decref(pod);
}

static void test_images_needed(void **state)
{
	json_t *pod = J(POD(
		SC_1000,
		"'initContainers':[{'name':'strict-groups-install-x','image':'i'},"
		"{'name':'i','image':'init'}],'containers':[" APP(
			"") ",{'name':'w','image':'nginx'},"
			    "{'name':'v','image':'nginx','command':[],'imagePullPolicy':'Always'},"
			    "{'name':'u','image':'redis','imagePullPolicy':'IfNotPresent'},"
			    "{'name':'x','image':'bad','command':'x'}]"));
	struct wh_request req = {.op = WH_OP_CREATE, .pod = pod};
	json_t *images = mutate_images_needed(&req);
	json_t *want = J("[{'image':'init','always':false},{'image':'nginx','always':true},"
			 "{'image':'redis','always':false}]");

	(void)state;
	assert_true(json_equal(images, want));
	json_decref(images);
	json_decref(want);
	/* a mirror or windows pod is left alone: nothing to look up */
	json_object_set_new(json_object_get(pod, "spec"), "os", J("{'name':'windows'}"));
	images = mutate_images_needed(&req);
	assert_int_equal(json_array_size(images), 0);
	json_decref(images);
	json_decref(pod);
	/* kubectl debug: only the new ephemeral container */
	{
		json_t *old = J(POD(SC_1000,
				    "'containers':[{'name':'w','image':'nginx'}],"
				    "'ephemeralContainers':[{'name':'d1','image':'busybox'}]"));
		json_t *new_pod = J(POD(SC_1000,
					"'containers':[{'name':'w','image':'nginx'}],"
					"'ephemeralContainers':[{'name':'d1','image':'busybox'},"
					"{'name':'d2','image':'alpine'}]"));
		struct wh_request eph = {.op = WH_OP_EPHEMERAL, .pod = new_pod, .old_pod = old};

		images = mutate_images_needed(&eph);
		want = J("[{'image':'alpine','always':false}]");
		assert_true(json_equal(images, want));
		json_decref(images);
		json_decref(want);
		json_decref(old);
		json_decref(new_pod);
	}
}

static void test_modes(void **state)
{
	enum wh_mode m;

	(void)state;
	assert_int_equal(mutate_mode_parse("refuse", &m), 0);
	assert_int_equal(m, WH_MODE_REFUSE);
	assert_int_equal(mutate_mode_parse("Enforce", &m), -1);
	assert_int_equal(mutate_mode_parse("", &m), -1);
	assert_string_equal(mutate_outcome_name(WH_SKIPPED), "skipped");
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_ephemeral),
		cmocka_unit_test(test_ephemeral_from_image),
		cmocka_unit_test(test_ephemeral_claims),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_images_needed),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_lock_group_limit),
	};
	enum {
		NCASES = sizeof(cases) / sizeof(cases[0]),
		NFIXED = sizeof(fixed) / sizeof(fixed[0])
	};
	struct CMUnitTest tests[NFIXED + NCASES];

	memcpy(tests, fixed, sizeof(fixed));
	/* one TAP line per case of the table */
	for (size_t i = 0; i < NCASES; i++)
		tests[NFIXED + i] = (struct CMUnitTest){.name = cases[i].name,
							.test_func = test_case,
							.initial_state = (void *)&cases[i]};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return _cmocka_run_group_tests("webhook_mutate", tests, NFIXED + NCASES, NULL, NULL);
}
