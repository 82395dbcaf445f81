package lint

import "github.com/prodlint/prodlint/render"

// pdbSelectsNoPods reports PodDisruptionBudgets whose selector matches no
// pod template of the render in their namespace. Renders without workloads
// in that namespace, or with custom resources that may create pods the
// render does not show (an operator's instances), are not reported.
var _ = Register(&Rule{
	ID:       "pdb-selects-no-pods",
	Severity: Warning,
	Summary:  "PodDisruptionBudget selects no pod",
	Rationale: "A PodDisruptionBudget only protects the pods its selector matches. One whose " +
		"labels do not match the workload's pod template (a renamed label, a Helm selector " +
		"helper that differs) protects nothing, and node drains evict the workload's pods " +
		"freely while everyone believes it is covered.",
	Remediation: "Use the same labels as the workload's `spec.selector` (in Helm, the same " +
		"selector-labels helper), and set the selector: without one, a policy/v1 budget selects " +
		"no pod.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  maxUnavailable: 1\n" +
		"  selector:\n" +
		"    matchLabels:\n" +
		"      app.kubernetes.io/name: web\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "PodDisruptionBudget" || apiGroup(o.APIVersion) != "policy" {
			return
		}
		ix := indexOf(p.Objects)
		if len(ix.podsIn(o.Namespace)) == 0 || hiddenPods(p.Objects, o.Namespace) {
			return
		}
		sel, ok := pdbSelector(o)
		if !ok || len(ix.selecting(o.Namespace, sel)) > 0 {
			return
		}
		if rawAt(o.Raw, "spec", "selector") == nil {
			p.Report(render.MustPath("spec.selector"), "spec.selector is not set, so the budget protects no pod; select the workload's pod labels")
			return
		}
		p.Report(render.MustPath("spec.selector"), "the selector matches no pod template of the render; use the labels of the workload's pods")
	},
})
