package lint

import (
	"fmt"
	"math"

	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodlint/prodlint/render"
)

// pdbBlocksEviction reports PodDisruptionBudgets that never allow a
// voluntary eviction: maxUnavailable 0 or 0%, minAvailable 100%, or a
// minAvailable that (rounded up, as the disruption controller does) is at
// least the total replica count of the workloads it selects. Replica counts
// come from the Deployments and StatefulSets of the render (the autoscaler's
// maximum when one manages them); when a selected workload has no known
// replica count, only the first three cases are checked.
var _ = Register(&Rule{
	ID:       "pdb-blocks-eviction",
	Severity: Warning,
	Summary:  "PodDisruptionBudget never allows an eviction",
	Rationale: "A budget that allows zero disruptions blocks every node drain that touches the " +
		"workload: cluster upgrades, node autoscaler scale-downs and maintenance hang until a " +
		"person deletes the pod or the budget by hand, and managed clusters eventually drain " +
		"the node forcefully anyway, without the budget's protection.",
	Remediation: "Allow at least one disruption: `maxUnavailable: 1`, or a `minAvailable` below " +
		"the replica count (and at least two replicas, so that one can always go).\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  maxUnavailable: 1\n" +
		"  selector:\n" +
		"    matchLabels:\n" +
		"      app: web\n" +
		"```",
	Tags: []string{"reliability", "operations"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "PodDisruptionBudget" || apiGroup(o.APIVersion) != "policy" {
			return
		}
		var pdb policyv1.PodDisruptionBudget
		if !Decode(o, &pdb) {
			return
		}
		if mu := pdb.Spec.MaxUnavailable; mu != nil {
			if (mu.Type == intstr.Int && mu.IntVal == 0) || (mu.Type == intstr.String && mu.StrVal == "0%") {
				p.Report(render.MustPath("spec.maxUnavailable"), "maxUnavailable is %s, so no pod can ever be evicted and node drains hang; allow at least 1", mu.String())
			}
			return
		}
		ma := pdb.Spec.MinAvailable
		if ma == nil {
			return
		}
		path := render.MustPath("spec.minAvailable")
		if ma.Type == intstr.String && ma.StrVal == "100%" {
			p.Report(path, "minAvailable is 100%%, so no pod can ever be evicted and node drains hang; use maxUnavailable: 1")
			return
		}
		sel, ok := pdbSelector(o)
		if !ok {
			return
		}
		selected := indexOf(p.Objects).selecting(o.Namespace, sel)
		if len(selected) == 0 {
			return
		}
		var total int64
		for _, w := range selected {
			if !replicatedWorkload(w.Obj) {
				return
			}
			n, ok := maxReplicas(w.Obj, p.Objects)
			if !ok {
				return
			}
			total += n
		}
		if total == 0 || total > math.MaxInt32 {
			return
		}
		need, err := intstr.GetScaledValueFromIntOrPercent(ma, int(total), true)
		if err != nil || int64(need) < total {
			return
		}
		which := fmt.Sprintf("all %d selected replicas", total)
		if total == 1 {
			which = "the only selected replica"
		}
		p.Report(path, "minAvailable %s requires %s to stay up, so no pod can ever be evicted; use maxUnavailable: 1 or run more replicas",
			ma.String(), which)
	},
})
