package lint

// privilegeEscalationAllowed reports containers that do not set
// allowPrivilegeEscalation: false. Privileged containers and containers that
// add SYS_ADMIN are skipped: they escalate by construction, the API server
// rejects allowPrivilegeEscalation: false for them, and privileged-container
// and dangerous-capability already report the cause.
var _ = Register(&Rule{
	ID:       "privilege-escalation-allowed",
	Severity: Warning,
	Summary:  "Container does not set allowPrivilegeEscalation: false",
	Rationale: "Unless `allowPrivilegeEscalation` is `false`, the container runs without the " +
		"`no_new_privs` flag: a setuid binary or file capability in the image lets a process " +
		"gain more privileges than the container started with, the first step of most " +
		"container escapes.",
	Remediation: "Set `securityContext.allowPrivilegeEscalation: false` on every container; it is " +
		"a container-level field (the pod securityContext has no such field). Privileged containers and " +
		"containers that add `SYS_ADMIN` are not reported here: they escalate by construction, the API " +
		"rejects the setting for them, and privileged-container and dangerous-capability report them. " +
		"Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    securityContext:\n" +
		"      allowPrivilegeEscalation: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		for _, c := range unprivileged(linuxContainers(p.Object)) {
			if addsCapability(c, "SYS_ADMIN") {
				continue
			}
			path := securityContextPath(c).Key("allowPrivilegeEscalation")
			switch {
			case c.SecurityContext == nil || c.SecurityContext.AllowPrivilegeEscalation == nil:
				p.ReportContainer(c, path, "securityContext.allowPrivilegeEscalation is not set; set it to false")
			case *c.SecurityContext.AllowPrivilegeEscalation:
				p.ReportContainer(c, path, "securityContext.allowPrivilegeEscalation is true; set it to false")
			}
		}
	},
})
