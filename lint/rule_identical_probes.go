package lint

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
)

// probeDefaults fills the timing fields the API server defaults, so that a
// probe that writes periodSeconds: 10 equals one that does not.
func probeDefaults(p corev1.Probe) corev1.Probe {
	if p.TimeoutSeconds == 0 {
		p.TimeoutSeconds = 1
	}
	if p.PeriodSeconds == 0 {
		p.PeriodSeconds = 10
	}
	if p.SuccessThreshold == 0 {
		p.SuccessThreshold = 1
	}
	if p.FailureThreshold == 0 {
		p.FailureThreshold = 3
	}
	return p
}

// identicalProbes reports containers whose liveness probe is the same as
// their readiness probe: same check and same timing, once defaults are
// applied. Probes that share the endpoint but give liveness more time are
// not reported.
var _ = Register(&Rule{
	ID:       "identical-probes",
	Severity: Note,
	Summary:  "Liveness probe is identical to the readiness probe",
	Rationale: "Readiness answers \"can this pod take traffic now?\", liveness \"is this process " +
		"beyond repair?\". When both are the same check, a pod that is only overloaded or " +
		"waiting for a slow dependency fails liveness at the same moment it leaves the " +
		"Service, and the kubelet restarts it: under load every replica restarts in turn, " +
		"turning a slowdown into an outage.",
	Remediation: "Make the liveness probe check only the process itself (a cheap endpoint that " +
		"does not call dependencies), or at least give it a higher `failureThreshold` than the " +
		"readiness probe so that a pod is taken out of rotation long before it is restarted.\n\n" +
		"```yaml\n" +
		"readinessProbe:\n" +
		"  httpGet: {path: /ready, port: http}\n" +
		"  periodSeconds: 5\n" +
		"livenessProbe:\n" +
		"  httpGet: {path: /healthz, port: http}\n" +
		"  periodSeconds: 10\n" +
		"  failureThreshold: 6\n" +
		"```",
	Tags: []string{"reliability"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		for _, c := range pt.Containers() {
			if c.LivenessProbe == nil || c.ReadinessProbe == nil {
				continue
			}
			if reflect.DeepEqual(probeDefaults(*c.LivenessProbe), probeDefaults(*c.ReadinessProbe)) {
				p.ReportContainer(c, c.Path.Key("livenessProbe"),
					"livenessProbe is identical to readinessProbe, so overload restarts the container; check less in liveness or give it a higher failureThreshold")
			}
		}
	},
})
