package lint

// hostPID reports pods that share the node's process namespace.
var _ = Register(&Rule{
	ID:       "host-pid",
	Severity: Error,
	Summary:  "Pod uses the host PID namespace",
	Rationale: "With `hostPID: true` the pod sees every process on the node, including other " +
		"pods' processes and their environment variables; combined with root or SYS_PTRACE it " +
		"can kill or inject code into them, which is a direct container escape.",
	Remediation: "Remove `hostPID`. To share processes between the containers of one pod, use " +
		"`shareProcessNamespace: true` instead.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      hostPID: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 8.0,
	Check: func(p *Pass) {
		if pt := Pod(p.Object); pt != nil && pt.Spec.HostPID {
			p.Report(pt.Path.Key("hostPID"), "hostPID is true; remove it (use shareProcessNamespace to share processes within the pod)")
		}
	},
})
