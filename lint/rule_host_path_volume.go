package lint

// hostPathVolume reports hostPath volumes. Container runtime sockets and
// their folders are left to container-runtime-socket, which reports them as
// errors, so that one volume is not reported twice.
var _ = Register(&Rule{
	ID:       "host-path-volume",
	Severity: Warning,
	Summary:  "Pod mounts a hostPath volume",
	Rationale: "A hostPath volume exposes a folder of the node to the pod: the pod can read " +
		"other workloads' data and node credentials, or, when writable, plant files that the " +
		"node or other pods execute. It also ties the pod to the data of one node, which breaks " +
		"rescheduling. A read-only mount does not help against sockets.",
	Remediation: "Use an `emptyDir`, `configMap`, `secret`, projected or `persistentVolumeClaim` " +
		"volume instead. If a node agent must read host files, mount the narrowest path, " +
		"read-only, and suppress the finding with a reason. Container runtime sockets and their folders " +
		"are reported by container-runtime-socket instead.\n\n" +
		"```yaml\n" +
		"volumes:\n" +
		"  - name: cache\n" +
		"    emptyDir: {}\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for i, v := range pt.Spec.Volumes {
			if v.HostPath == nil {
				continue
			}
			if _, socket := runtimeSocket(v.HostPath.Path); socket {
				continue
			}
			p.Report(hostPathPath(pt, v.Name, i),
				"volume %q mounts hostPath %s from the node; use an emptyDir, configMap, secret or persistentVolumeClaim instead",
				v.Name, v.HostPath.Path)
		}
	},
})
