package lint

// hostPort reports container ports that bind a port of the node
// (hostPort). Pods on the host network are skipped: host-network reports
// them, and their hostPort only repeats the containerPort.
var _ = Register(&Rule{
	ID:       "host-port",
	Severity: Warning,
	Summary:  "Container binds a port on the node",
	Rationale: "A `hostPort` opens the port on the node's own addresses, outside of Services and " +
		"often outside of NetworkPolicies, and exposes the pod to whoever reaches the node. It " +
		"also limits scheduling to one such pod per node and port, so rollouts and rescheduling " +
		"stall when nodes run out of free ports. The baseline Pod Security Standard forbids it.",
	Remediation: "Remove `hostPort` and reach the pod through a Service (a `NodePort` or " +
		"`LoadBalancer` Service when it must be reachable from outside). Pods with `hostNetwork: true` " +
		"are left to host-network.\n\n" +
		"```yaml\n" +
		"ports:\n" +
		"  - name: http\n" +
		"    containerPort: 8080\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 5.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || pt.Spec.HostNetwork {
			return
		}
		for _, c := range pt.Containers() {
			for i, port := range c.Ports {
				if port.HostPort != 0 {
					p.ReportContainer(c, c.Path.Key("ports").Index(i).Key("hostPort"),
						"port %d is bound on the node as hostPort %d; remove hostPort and use a Service", port.ContainerPort, port.HostPort)
				}
			}
		}
	},
})
