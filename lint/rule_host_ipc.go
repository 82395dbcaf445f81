package lint

// hostIPC reports pods that share the node's IPC namespace.
var _ = Register(&Rule{
	ID:       "host-ipc",
	Severity: Error,
	Summary:  "Pod uses the host IPC namespace",
	Rationale: "With `hostIPC: true` the pod shares System V IPC and POSIX message queues and " +
		"shared memory with every process on the node: it can read or corrupt the shared " +
		"memory of other workloads and of node daemons.",
	Remediation: "Remove `hostIPC`. Containers of one pod already share an IPC namespace; use " +
		"an `emptyDir` with `medium: Memory` for shared memory.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  template:\n" +
		"    spec:\n" +
		"      hostIPC: false\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 7.0,
	Check: func(p *Pass) {
		if pt := Pod(p.Object); pt != nil && pt.Spec.HostIPC {
			p.Report(pt.Path.Key("hostIPC"), "hostIPC is true; remove it")
		}
	},
})
