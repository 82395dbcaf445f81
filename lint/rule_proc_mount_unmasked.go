package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// procMountUnmasked reports containers with securityContext.procMount:
// Unmasked.
var _ = Register(&Rule{
	ID:       "proc-mount-unmasked",
	Severity: Warning,
	Summary:  "Container mounts /proc unmasked",
	Rationale: "The runtime masks and makes read-only the parts of /proc and /sys that expose " +
		"the node's kernel (`/proc/kcore`, `/proc/sysrq-trigger`, `/proc/sys`). " +
		"`procMount: Unmasked` removes those masks; it is meant for nested container runtimes in " +
		"user-namespaced pods, and the baseline Pod Security Standard forbids it otherwise.",
	Remediation: "Remove `procMount` (or set it to `Default`). If the container runs a nested " +
		"runtime, run the pod in a user namespace (`hostUsers: false`) and suppress the finding " +
		"with a reason.\n\n" +
		"```yaml\n" +
		"securityContext:\n" +
		"  procMount: Default\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 5.0,
	Check: func(p *Pass) {
		for _, c := range linuxContainers(p.Object) {
			if c.SecurityContext != nil && c.SecurityContext.ProcMount != nil && *c.SecurityContext.ProcMount == corev1.UnmaskedProcMount {
				p.ReportContainer(c, securityContextPath(c).Key("procMount"),
					"securityContext.procMount is Unmasked; remove it to keep the kernel's /proc and /sys masked")
			}
		}
	},
})
