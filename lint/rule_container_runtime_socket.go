package lint

// containerRuntimeSocket reports hostPath volumes that expose the container
// runtime API.
var _ = Register(&Rule{
	ID:       "container-runtime-socket",
	Severity: Error,
	Summary:  "Pod mounts the container runtime socket",
	Rationale: "Whoever can talk to the Docker, containerd, CRI-O or Podman socket can start a " +
		"privileged container with the node's root filesystem mounted: mounting the socket is " +
		"root on the node, and through the node's credentials often on the cluster. Mounting " +
		"it read-only does not help, since connecting to a socket is not a write.",
	Remediation: "Remove the volume. Build images with a daemonless builder (BuildKit rootless, " +
		"Kaniko, Buildah) and read container metadata from the Kubernetes API or the kubelet " +
		"instead of the runtime. The rule knows the Docker, containerd, CRI-O, cri-dockerd and Podman " +
		"sockets in any folder, and their runtime folders below `/run` and `/var/run`; broader mounts " +
		"such as `/` or `/var/run` are reported by host-path-volume.\n\n" +
		"```yaml\n" +
		"volumes:\n" +
		"  # no hostPath to /var/run/docker.sock or /run/containerd\n" +
		"  - name: workspace\n" +
		"    emptyDir: {}\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 9.5,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for i, v := range pt.Spec.Volumes {
			if v.HostPath == nil {
				continue
			}
			dir, ok := runtimeSocket(v.HostPath.Path)
			switch {
			case !ok:
			case dir:
				p.Report(hostPathPath(pt, v.Name, i),
					"volume %q mounts %s, which holds the container runtime socket (root on the node); remove it", v.Name, v.HostPath.Path)
			default:
				p.Report(hostPathPath(pt, v.Name, i),
					"volume %q mounts the container runtime socket %s (root on the node); remove it", v.Name, v.HostPath.Path)
			}
		}
	},
})
