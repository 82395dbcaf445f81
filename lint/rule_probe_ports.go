package lint

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodlint/prodlint/render"
)

// probePort is the port a probe checks and where it is written.
type probePort struct {
	port intstr.IntOrString
	path render.Path
	// probe names the probe (livenessProbe).
	probe string
}

// probePorts returns the ports the probes of container c check on the
// pod: httpGet (unless it probes another host), tcpSocket (likewise) and
// grpc.
func probePorts(c Container) []probePort {
	var out []probePort
	for _, pr := range []struct {
		name string
		p    *corev1.Probe
	}{
		{"livenessProbe", c.LivenessProbe},
		{"readinessProbe", c.ReadinessProbe},
		{"startupProbe", c.StartupProbe},
	} {
		if pr.p == nil {
			continue
		}
		base := c.Path.Key(pr.name)
		switch h := pr.p; {
		case h.HTTPGet != nil && h.HTTPGet.Host == "":
			out = append(out, probePort{h.HTTPGet.Port, base.Key("httpGet").Key("port"), pr.name})
		case h.TCPSocket != nil && h.TCPSocket.Host == "":
			out = append(out, probePort{h.TCPSocket.Port, base.Key("tcpSocket").Key("port"), pr.name})
		case h.GRPC != nil:
			out = append(out, probePort{intstr.FromInt32(h.GRPC.Port), base.Key("grpc").Key("port"), pr.name})
		}
	}
	return out
}

// unknownProbePortName reports probes whose named port (port: http) is not
// a port name of the container: the kubelet resolves the name in the
// container's own ports and the probe fails forever.
var _ = Register(&Rule{
	ID:       "probe-unknown-port-name",
	Severity: Error,
	Summary:  "Probe names a port the container does not declare",
	Rationale: "The kubelet resolves a named probe port (`port: http`) in the `ports` of the " +
		"container that has the probe. When no port has that name, every probe fails: a " +
		"readiness probe keeps the pod out of its Services forever, a liveness probe restarts " +
		"the container in a loop. Renaming a port without its probes is an easy way to get there.",
	Remediation: "Name the port in the container's `ports` or use the port's number in the " +
		"probe.\n\n" +
		"```yaml\n" +
		"ports:\n" +
		"  - name: http\n" +
		"    containerPort: 8080\n" +
		"readinessProbe:\n" +
		"  httpGet:\n" +
		"    path: /ready\n" +
		"    port: http\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			for _, pp := range probePorts(c) {
				if pp.port.Type != intstr.String || pp.port.StrVal == "" || allDigits(pp.port.StrVal) {
					continue // a number in quotes, which the kubelet reads as one
				}
				found := false
				for _, port := range c.Ports {
					found = found || port.Name == pp.port.StrVal
				}
				if !found {
					p.ReportContainer(c, pp.path, "%s uses port %q, which is not a port name of the container; name the port in ports or use its number",
						pp.probe, pp.port.StrVal)
				}
			}
		}
	},
})

// probePortNotDeclared reports probes on a port number that no container
// of the pod declares, when the container declares ports: sometimes a typo
// or a port changed in one place. Containers without ports are not reported
// (declaring ports is optional), nor are ports another container declares.
// Opt-in: undeclared status ports are common and work (Istio's proxies
// probe 15021 without declaring it).
var _ = Register(&Rule{
	ID:       "probe-port-not-declared",
	Severity: Note,
	Summary:  "Probe checks a port number the pod does not declare",
	Rationale: "When a container lists its ports, a probe on another number is often a typo or " +
		"a port that changed in one place only; the probe then fails and the pod never becomes " +
		"ready or restarts in a loop. It is just as often deliberate (a status or management " +
		"port that is not declared, such as Istio's 15021), hence opt-in and the low severity.",
	Remediation: "Probe a declared port, preferably by name, or declare the port the probe " +
		"checks. Opt-in: enable the rule in the configuration.\n\n" +
		"```yaml\n" +
		"ports:\n" +
		"  - name: http\n" +
		"    containerPort: 8080\n" +
		"  - name: management\n" +
		"    containerPort: 9090\n" +
		"livenessProbe:\n" +
		"  httpGet:\n" +
		"    path: /healthz\n" +
		"    port: management\n" +
		"```",
	Tags:  []string{"reliability"},
	OptIn: true,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		declared := map[int32]bool{}
		for _, c := range pt.Containers() {
			for _, port := range c.Ports {
				declared[port.ContainerPort] = true
			}
		}
		for _, c := range pt.Containers() {
			if len(c.Ports) == 0 {
				continue
			}
			for _, pp := range probePorts(c) {
				if pp.port.Type != intstr.Int || declared[pp.port.IntVal] {
					continue
				}
				p.ReportContainer(c, pp.path, "%s checks port %d, which no container of the pod declares; check a declared port or declare it",
					pp.probe, pp.port.IntVal)
			}
		}
	},
})

// allDigits reports whether s is a decimal number.
func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
