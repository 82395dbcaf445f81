package lint

// hostNetwork reports pods that share the node's network namespace.
var _ = Register(&Rule{
	ID:       "host-network",
	Severity: Error,
	Summary:  "Pod uses the host network namespace",
	Rationale: "With `hostNetwork: true` the pod sees every network interface of the node: it " +
		"can sniff traffic of other pods, reach services bound to localhost on the node (the " +
		"kubelet, cloud metadata endpoints) and bypasses NetworkPolicies. Its ports also " +
		"collide with other host-network pods.",
	Remediation: "Remove `hostNetwork` and expose the pod through a Service. Only node agents " +
		"such as CNI plugins need the host network; suppress the finding for them with a " +
		"reason.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      hostNetwork: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 7.0,
	Check: func(p *Pass) {
		if pt := Pod(p.Object); pt != nil && pt.Spec.HostNetwork {
			p.Report(pt.Path.Key("hostNetwork"), "hostNetwork is true; remove it and expose the pod through a Service")
		}
	},
})
