package lint

// privilegedContainer reports containers that run privileged.
var _ = Register(&Rule{
	ID:       "privileged-container",
	Severity: Error,
	Summary:  "Container runs privileged",
	Rationale: "A privileged container has every capability, sees every host device and is not " +
		"confined by seccomp or AppArmor: a process that escapes it, or simply writes to /dev, " +
		"owns the node and every pod on it.",
	Remediation: "Remove `securityContext.privileged` (or set it to `false`). If the container needs " +
		"one specific privilege, add only that capability, or move the privileged work to a " +
		"node-level agent maintained by the platform team.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    securityContext:\n" +
		"      privileged: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 9.0,
	Check: func(p *Pass) {
		for _, c := range linuxContainers(p.Object) {
			if privileged(c) {
				p.ReportContainer(c, securityContextPath(c).Key("privileged"),
					"securityContext.privileged is true; remove it or set it to false")
			}
		}
	},
})
