package lint

import (
	"strings"

	"github.com/prodlint/prodlint/render"
)

// recommendedLabels are the labels every application object should carry.
var recommendedLabels = []string{"app.kubernetes.io/name", "app.kubernetes.io/instance"}

// missingRecommendedLabels reports workloads, Services and Ingresses whose
// metadata.labels lack app.kubernetes.io/name or app.kubernetes.io/instance.
// Opt-in: label conventions are a team choice.
var _ = Register(&Rule{
	ID:       "missing-recommended-labels",
	Severity: Note,
	Summary:  "Object lacks the recommended app.kubernetes.io labels",
	Rationale: "The recommended labels (`app.kubernetes.io/name`, `app.kubernetes.io/instance`, " +
		"and `version`, `component`, `part-of`, `managed-by`) let dashboards, cost reports, " +
		"policies and `kubectl get -l` find every object of an application and tell its " +
		"instances apart, across teams and tools.",
	Remediation: "Add at least `app.kubernetes.io/name` and `app.kubernetes.io/instance` to the " +
		"object's labels (Helm's default `_helpers.tpl` does). Opt-in: enable the rule in the " +
		"configuration.\n\n" +
		"```yaml\n" +
		"metadata:\n" +
		"  labels:\n" +
		"    app.kubernetes.io/name: web\n" +
		"    app.kubernetes.io/instance: web-prod\n" +
		"    app.kubernetes.io/part-of: shop\n" +
		"```",
	Tags:  []string{"hygiene"},
	OptIn: true,
	Check: func(p *Pass) {
		o := p.Object
		if Pod(o) == nil && !(o.Kind == "Service" && o.APIVersion == "v1") && !isIngress(o) {
			return
		}
		have := stringMap(rawAt(o.Raw, "metadata", "labels"))
		var missing []string
		for _, l := range recommendedLabels {
			if strings.TrimSpace(have[l]) == "" {
				missing = append(missing, l)
			}
		}
		if len(missing) > 0 {
			p.Report(render.MustPath("metadata.labels"), "metadata.labels lacks %s; add the recommended app.kubernetes.io labels", strings.Join(missing, " and "))
		}
	},
})
