package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// missingResourceRequests reports containers, init containers included,
// without a CPU or memory request. A request counts as set when the
// container sets it, when it sets the limit (the API server then defaults
// the request to the limit), when the pod sets pod-level resources, or when
// a LimitRange of the same render defaults it.
var _ = Register(&Rule{
	ID:       "missing-resource-requests",
	Severity: Warning,
	Summary:  "Container has no CPU or memory request",
	Rationale: "The scheduler places pods by their requests: a container without them is " +
		"packed onto nodes that cannot run it, is the first to be evicted under memory " +
		"pressure (BestEffort or Burstable QoS) and gets a minimal CPU share when the node is " +
		"busy. Autoscalers compute utilization from requests, and a namespace with a " +
		"ResourceQuota rejects pods (init containers included) that lack them.",
	Remediation: "Set CPU and memory requests on every container, init containers included, " +
		"from observed usage. A request also counts as set when the container sets a limit (the API " +
		"server copies it to the request), when the pod sets pod-level `resources`, or when a " +
		"LimitRange in the same render defaults it.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    resources:\n" +
		"      requests:\n" +
		"        cpu: 100m\n" +
		"        memory: 256Mi\n" +
		"      limits:\n" +
		"        memory: 256Mi\n" +
		"```",
	Tags: []string{"resources"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		lrRequests, _ := limitRangeDefaults(p.Objects, p.Object.Namespace)
		hasRequest := func(c Container, r corev1.ResourceName) bool {
			if _, ok := c.Resources.Requests[r]; ok {
				return true
			}
			if _, ok := c.Resources.Limits[r]; ok {
				return true
			}
			if pr := pt.Spec.Resources; pr != nil {
				if _, ok := pr.Requests[r]; ok {
					return true
				}
				if _, ok := pr.Limits[r]; ok {
					return true
				}
			}
			_, ok := lrRequests[r]
			return ok
		}
		for _, c := range pt.Containers() {
			requests := c.Path.Key("resources").Key("requests")
			cpu, mem := hasRequest(c, corev1.ResourceCPU), hasRequest(c, corev1.ResourceMemory)
			switch {
			case !cpu && !mem:
				p.ReportContainer(c, requests, "resources.requests.cpu and resources.requests.memory are not set; set CPU and memory requests")
			case !cpu:
				p.ReportContainer(c, requests.Key("cpu"), "resources.requests.cpu is not set; set a CPU request")
			case !mem:
				p.ReportContainer(c, requests.Key("memory"), "resources.requests.memory is not set; set a memory request")
			}
		}
	},
})
