package lint

import (
	"strings"
)

// safeSysctls are the sysctls the kubelet allows without
// --allowed-unsafe-sysctls, with the Kubernetes minor version (1.x) that
// made each safe.
var safeSysctls = map[string]int{
	"kernel.shm_rmid_forced":              0,
	"net.ipv4.ip_local_port_range":        0,
	"net.ipv4.tcp_syncookies":             0,
	"net.ipv4.ping_group_range":           18,
	"net.ipv4.ip_unprivileged_port_start": 22,
	"net.ipv4.ip_local_reserved_ports":    27,
	"net.ipv4.tcp_keepalive_time":         29,
	"net.ipv4.tcp_fin_timeout":            29,
	"net.ipv4.tcp_keepalive_intvl":        29,
	"net.ipv4.tcp_keepalive_probes":       29,
	"net.ipv4.tcp_rmem":                   32,
	"net.ipv4.tcp_wmem":                   32,
}

// sysctlName normalizes a sysctl name written with slashes
// (net/ipv4/tcp_syncookies) to the dotted form, swapping the two separators
// as the kubelet does.
func sysctlName(name string) string {
	if !strings.Contains(name, "/") {
		return name
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, name)
}

// unsafeSysctl reports pod sysctls outside the safe set of the Kubernetes
// version linted for, and net.* sysctls of pods on the host network, which
// the kubelet refuses.
var _ = Register(&Rule{
	ID:       "unsafe-sysctl",
	Severity: Warning,
	Summary:  "Pod sets an unsafe sysctl",
	Rationale: "Only a few namespaced sysctls are isolated between pods; the others change " +
		"kernel behavior for every pod of the node or let a pod exhaust kernel resources. The " +
		"kubelet refuses to start a pod that sets one unless the node allows it with " +
		"`--allowed-unsafe-sysctls`, so on most nodes the pod never runs; where it runs, it can " +
		"disturb its neighbors. The baseline Pod Security Standard forbids them.",
	Remediation: "Remove the sysctl, or tune the nodes themselves (a node configuration or a " +
		"privileged DaemonSet owned by the platform team). The safe set depends on the Kubernetes " +
		"version (`net.ipv4.tcp_keepalive_time` since 1.29, `net.ipv4.tcp_rmem` since 1.32); " +
		"`net.*` sysctls cannot be set at all with `hostNetwork: true`.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  securityContext:\n" +
		"    sysctls:\n" +
		"      - name: net.ipv4.ip_local_port_range\n" +
		"        value: \"1024 65000\"\n" +
		"```",
	Tags:             []string{"security", "reliability"},
	SecuritySeverity: 5.0,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || pt.Spec.SecurityContext == nil {
			return
		}
		minor := kubeMinor(p.Env)
		for i, s := range pt.Spec.SecurityContext.Sysctls {
			name := sysctlName(strings.TrimSpace(s.Name))
			path := pt.Path.Key("securityContext").Key("sysctls").Index(i).Key("name")
			since, safe := safeSysctls[name]
			switch {
			case safe && since > minor:
				p.Report(path, "sysctl %s is only safe since Kubernetes 1.%d, and kubelets of 1.%d refuse the pod; remove it or tune the nodes", name, since, minor)
			case !safe:
				p.Report(path, "sysctl %s is unsafe and the kubelet refuses the pod unless the node allows it; remove it or tune the nodes", name)
			case strings.HasPrefix(name, "net.") && pt.Spec.HostNetwork:
				p.Report(path, "sysctl %s cannot be set on the host network and the kubelet refuses the pod; remove it or hostNetwork", name)
			}
		}
	},
})
