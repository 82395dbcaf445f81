package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// missingCPULimit reports containers, init containers included, without a
// CPU limit. A pod-level CPU limit or a LimitRange default of the same
// render counts. Opt-in: CPU limits are a policy choice.
var _ = Register(&Rule{
	ID:       "missing-cpu-limit",
	Severity: Warning,
	Summary:  "Container has no CPU limit",
	Rationale: "Without a CPU limit a container may use every idle CPU of its node. That is " +
		"usually what you want (requests already guarantee each container its share), which " +
		"is why this rule is opt-in; but platforms that bill or plan capacity by limits, or " +
		"that need predictable latency (Guaranteed QoS, where limits equal requests), require " +
		"one on every container.",
	Remediation: "Set `resources.limits.cpu`, equal to the request for Guaranteed QoS. Opt-in: " +
		"enable the rule in the configuration. Init containers are checked too; a pod-level CPU " +
		"limit or a LimitRange default in the same render counts.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    resources:\n" +
		"      requests:\n" +
		"        cpu: 500m\n" +
		"      limits:\n" +
		"        cpu: 500m\n" +
		"```",
	Tags:  []string{"resources"},
	OptIn: true,
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || podOrLimitRangeLimit(pt, p.Objects, p.Object.Namespace, corev1.ResourceCPU) {
			return
		}
		for _, c := range pt.Containers() {
			if _, ok := c.Resources.Limits[corev1.ResourceCPU]; !ok {
				p.ReportContainer(c, c.Path.Key("resources").Key("limits").Key("cpu"),
					"resources.limits.cpu is not set; set a CPU limit")
			}
		}
	},
})
