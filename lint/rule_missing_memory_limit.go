package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// missingMemoryLimit reports containers, init containers included, without
// a memory limit. A pod-level memory limit or a LimitRange default of the
// same render counts. CPU limits are deliberately not required: they
// throttle without protecting neighbors that have requests.
var _ = Register(&Rule{
	ID:       "missing-memory-limit",
	Severity: Warning,
	Summary:  "Container has no memory limit",
	Rationale: "Without a memory limit a leaking or overloaded container grows until the node " +
		"runs out of memory; the kernel then kills processes of other pods, or the kubelet " +
		"evicts them. Memory, unlike CPU, cannot be throttled, so the limit is what confines " +
		"the damage to the container that misbehaves.",
	Remediation: "Set `resources.limits.memory`, usually equal to the memory request so that " +
		"the pod is never over-committed. Init containers are checked too; a pod-level memory limit or a " +
		"LimitRange default in the same render counts. CPU limits are not required.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    resources:\n" +
		"      requests:\n" +
		"        memory: 256Mi\n" +
		"      limits:\n" +
		"        memory: 256Mi\n" +
		"```",
	Tags: []string{"resources"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil || podOrLimitRangeLimit(pt, p.Objects, p.Object.Namespace, corev1.ResourceMemory) {
			return
		}
		for _, c := range pt.Containers() {
			if _, ok := c.Resources.Limits[corev1.ResourceMemory]; !ok {
				p.ReportContainer(c, c.Path.Key("resources").Key("limits").Key("memory"),
					"resources.limits.memory is not set; set a memory limit")
			}
		}
	},
})
