package lint

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/prodlint/prodlint/render"
)

// serviceSelector returns the selector of a Service that selects pods, or
// false for Services without one (ExternalName Services and Services whose
// endpoints are managed by hand or by a controller).
func serviceSelector(o *render.Object) (*corev1.Service, labels.Selector, bool) {
	if o.Kind != "Service" || o.APIVersion != "v1" {
		return nil, nil, false
	}
	var svc corev1.Service
	if !Decode(o, &svc) || svc.Spec.Type == corev1.ServiceTypeExternalName || len(svc.Spec.Selector) == 0 {
		return nil, nil, false
	}
	return &svc, labels.SelectorFromSet(svc.Spec.Selector), true
}

// serviceSelectsNoPods reports Services whose selector matches no pod
// template of the render in their namespace. Renders without workloads in
// that namespace, or with custom resources that may create pods the render
// does not show (an operator's instances), are not reported, and neither
// are headless Services (clusterIP: None), which charts often ship for the
// pods an operator creates.
var _ = Register(&Rule{
	ID:       "service-selects-no-pods",
	Severity: Warning,
	Summary:  "Service selector matches no pod",
	Rationale: "A Service whose selector matches no pod has no endpoints: clients get " +
		"connection refused or time out, while the Service and its DNS name look healthy. It " +
		"usually follows a label renamed in the workload but not in the Service, or a Helm " +
		"selector helper that differs between templates.",
	Remediation: "Make `spec.selector` a subset of the labels of the workload's pod template (in " +
		"Helm, use the same selector-labels helper in both). Services without a selector are not " +
		"checked, nor are headless Services (`clusterIP: None`), which often serve pods an operator creates.\n\n" +
		"```yaml\n" +
		"apiVersion: v1\n" +
		"kind: Service\n" +
		"spec:\n" +
		"  selector:\n" +
		"    app.kubernetes.io/name: web\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		svc, sel, ok := serviceSelector(p.Object)
		if !ok || svc.Spec.ClusterIP == corev1.ClusterIPNone {
			return
		}
		ns := p.Object.Namespace
		ix := indexOf(p.Objects)
		if len(ix.podsIn(ns)) == 0 || len(ix.selecting(ns, sel)) > 0 || hiddenPods(p.Objects, ns) {
			return
		}
		p.Report(render.MustPath("spec.selector"), "the selector matches no pod template of the render; use the labels of the workload's pods")
	},
})
