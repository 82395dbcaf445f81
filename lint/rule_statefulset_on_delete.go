package lint

import "github.com/prodlint/prodlint/render"

// statefulSetOnDelete reports StatefulSets with updateStrategy OnDelete.
var _ = Register(&Rule{
	ID:       "statefulset-on-delete",
	Severity: Note,
	Summary:  "StatefulSet is only updated when its pods are deleted",
	Rationale: "With `updateStrategy.type: OnDelete` a changed pod template reaches a pod only " +
		"when someone deletes it. Until then the StatefulSet runs the old version (a security " +
		"fix included) while its manifests, and the deploy pipeline, say otherwise; pods " +
		"rescheduled by chance run the new one, mixing versions.",
	Remediation: "Use the default `RollingUpdate`, with a `partition` to stage an update, unless " +
		"the application needs an operator-driven update order; then make sure that procedure " +
		"runs on every change.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  updateStrategy:\n" +
		"    type: RollingUpdate\n" +
		"    rollingUpdate:\n" +
		"      partition: 0\n" +
		"```",
	Tags: []string{"reliability", "operations"},
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "StatefulSet" || !coreGroup(o.APIVersion, o.Kind) {
			return
		}
		if rawString(o.Raw, "spec", "updateStrategy", "type") == "OnDelete" {
			p.Report(render.MustPath("spec.updateStrategy.type"),
				"updateStrategy is OnDelete, so template changes only reach pods that are deleted; use RollingUpdate")
		}
	},
})
