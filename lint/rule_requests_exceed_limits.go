package lint

import (
	"sort"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// requestsExceedLimits reports resource requests larger than the limit of
// the same resource, per container and for pod-level resources. Quantities
// are compared as the API server does (500m < 1, 1Gi > 1G).
var _ = Register(&Rule{
	ID:       "requests-exceed-limits",
	Severity: Error,
	Summary:  "Resource request is larger than its limit",
	Rationale: "A request cannot exceed the limit of the same resource: the API server rejects " +
		"the pod (`must be less than or equal to ... limit`), so a Deployment never gets a " +
		"ready replica and a rollout stalls. It usually comes from values overridden in one " +
		"place (the limit in a production values file) but not the other.",
	Remediation: "Lower the request or raise the limit; for memory, keep them equal. A request " +
		"that is not set defaults to the limit and is fine.\n\n" +
		"```yaml\n" +
		"resources:\n" +
		"  requests:\n" +
		"    cpu: 250m\n" +
		"    memory: 512Mi\n" +
		"  limits:\n" +
		"    memory: 512Mi\n" +
		"```",
	Tags: []string{"resources", "correctness"},
	Check: func(p *Pass) {
		pt := Pod(p.Object)
		if pt == nil {
			return
		}
		check := func(c *Container, rr corev1.ResourceRequirements, base render.Path) {
			names := make([]string, 0, len(rr.Requests))
			for r := range rr.Requests {
				names = append(names, string(r))
			}
			sort.Strings(names)
			for _, r := range names {
				req := rr.Requests[corev1.ResourceName(r)]
				lim, ok := rr.Limits[corev1.ResourceName(r)]
				if !ok || req.Cmp(lim) <= 0 {
					continue
				}
				path := base.Key("requests").Key(r)
				const msg = "resources.requests.%s (%s) is larger than resources.limits.%s (%s), which the API server rejects; lower the request or raise the limit"
				if c != nil {
					p.ReportContainer(*c, path, msg, r, req.String(), r, lim.String())
				} else {
					p.Report(path, msg, r, req.String(), r, lim.String())
				}
			}
		}
		if pt.Spec.Resources != nil {
			check(nil, *pt.Spec.Resources, pt.Path.Key("resources"))
		}
		for _, c := range pt.Containers() {
			check(&c, c.Resources, c.Path.Key("resources"))
		}
	},
})
