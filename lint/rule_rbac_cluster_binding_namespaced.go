package lint

import (
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// clusterScopedResources are the cluster-scoped resources of the built-in
// API groups, as group/resource ("" is the core group).
var clusterScopedResources = map[string]bool{
	"/nodes": true, "/namespaces": true, "/persistentvolumes": true, "/componentstatuses": true,
	"rbac.authorization.k8s.io/clusterroles": true, "rbac.authorization.k8s.io/clusterrolebindings": true,
	"apiextensions.k8s.io/customresourcedefinitions": true, "apiregistration.k8s.io/apiservices": true,
	"storage.k8s.io/storageclasses": true, "storage.k8s.io/csidrivers": true, "storage.k8s.io/csinodes": true,
	"storage.k8s.io/volumeattachments": true, "storage.k8s.io/volumeattributesclasses": true,
	"scheduling.k8s.io/priorityclasses": true, "node.k8s.io/runtimeclasses": true,
	"admissionregistration.k8s.io/mutatingwebhookconfigurations":     true,
	"admissionregistration.k8s.io/validatingwebhookconfigurations":   true,
	"admissionregistration.k8s.io/validatingadmissionpolicies":       true,
	"admissionregistration.k8s.io/validatingadmissionpolicybindings": true,
	"admissionregistration.k8s.io/mutatingadmissionpolicies":         true,
	"admissionregistration.k8s.io/mutatingadmissionpolicybindings":   true,
	"certificates.k8s.io/certificatesigningrequests":                 true,
	"certificates.k8s.io/clustertrustbundles":                        true,
	"certificates.k8s.io/signers":                                    true,
	"flowcontrol.apiserver.k8s.io/flowschemas":                       true,
	"flowcontrol.apiserver.k8s.io/prioritylevelconfigurations":       true,
	"networking.k8s.io/ingressclasses":                               true, "networking.k8s.io/ipaddresses": true,
	"networking.k8s.io/servicecidrs": true, "policy/podsecuritypolicies": true,
	"authentication.k8s.io/tokenreviews": true, "authentication.k8s.io/selfsubjectreviews": true,
	"authorization.k8s.io/subjectaccessreviews":     true,
	"authorization.k8s.io/selfsubjectaccessreviews": true,
	"authorization.k8s.io/selfsubjectrulesreviews":  true,
	"resource.k8s.io/deviceclasses":                 true, "resource.k8s.io/resourceslices": true,
	"metrics.k8s.io/nodes": true, "internal.apiserver.k8s.io/storageversions": true,
	"storagemigration.k8s.io/storageversionmigrations": true,
}

// resourceNamespaced reports whether a resource of an API group is
// namespaced; known is false when neither the built-in table nor a
// CustomResourceDefinition of objs says.
func resourceNamespaced(group, resource string, objs []*render.Object) (namespaced, known bool) {
	base, _, _ := strings.Cut(resource, "/")
	if builtinGroups[group] {
		return !clusterScopedResources[group+"/"+base], true
	}
	for _, crd := range objs {
		if crd.Kind == "CustomResourceDefinition" && apiGroup(crd.APIVersion) == "apiextensions.k8s.io" &&
			rawString(crd.Raw, "spec", "group") == group && rawString(crd.Raw, "spec", "names", "plural") == base {
			return rawString(crd.Raw, "spec", "scope") == "Namespaced", true
		}
	}
	return false, false
}

// onlyNamespaced reports whether every rule of a role names namespaced
// resources only: no wildcards, no non-resource URLs, no cluster-scoped or
// unknown resources.
func onlyNamespaced(rules []rbacv1.PolicyRule, objs []*render.Object) bool {
	if len(rules) == 0 {
		return false
	}
	for _, r := range rules {
		if len(r.NonResourceURLs) > 0 || len(r.Resources) == 0 || hasWildcardResource(r) {
			return false
		}
		for _, g := range r.APIGroups {
			if g == rbacv1.APIGroupAll {
				return false
			}
			for _, res := range r.Resources {
				if ns, known := resourceNamespaced(g, res, objs); !ns || !known {
					return false
				}
			}
		}
	}
	return true
}

// rbacClusterBindingNamespaced reports ClusterRoleBindings whose subjects
// are all ServiceAccounts of one namespace, bound to a ClusterRole of the
// render that only grants namespaced resources: a RoleBinding in that
// namespace would do, unless the subjects work across namespaces. Opt-in,
// since cluster-wide controllers legitimately need this.
var _ = Register(&Rule{
	ID:       "rbac-cluster-binding-namespaced",
	Severity: Note,
	Summary:  "ClusterRoleBinding could be a RoleBinding",
	Rationale: "A ClusterRoleBinding grants its ClusterRole in every namespace, present and " +
		"future. When the role only names namespaced resources and its subjects are the " +
		"ServiceAccounts of one namespace, that reach is usually accidental: a RoleBinding " +
		"referencing the same ClusterRole grants the same permissions in one namespace only.",
	Remediation: "Replace the ClusterRoleBinding by a RoleBinding (in each namespace the " +
		"workload works in) that references the ClusterRole. Controllers that really watch every " +
		"namespace keep the ClusterRoleBinding; that is why the rule is opt-in.\n\n" +
		"```yaml\n" +
		"apiVersion: rbac.authorization.k8s.io/v1\n" +
		"kind: RoleBinding\n" +
		"metadata:\n" +
		"  name: web\n" +
		"  namespace: shop\n" +
		"roleRef:\n" +
		"  apiGroup: rbac.authorization.k8s.io\n" +
		"  kind: ClusterRole\n" +
		"  name: web\n" +
		"subjects:\n" +
		"  - kind: ServiceAccount\n" +
		"    name: web\n" +
		"    namespace: shop\n" +
		"```",
	Tags:  []string{"rbac"},
	OptIn: true,
	Check: func(p *Pass) {
		o := p.Object
		if o.Kind != "ClusterRoleBinding" {
			return
		}
		ref, subjects, ok := binding(o)
		if !ok || ref.Kind != "ClusterRole" || len(subjects) == 0 {
			return
		}
		ns := ""
		for _, s := range subjects {
			if s.Kind != rbacv1.ServiceAccountKind || s.Namespace == "" || (ns != "" && s.Namespace != ns) {
				return
			}
			ns = s.Namespace
		}
		role := findObject(p.Objects, rbacv1.GroupName, "ClusterRole", "", ref.Name)
		if role == nil || !onlyNamespaced(policyRules(role), p.Objects) {
			return
		}
		p.Report(render.MustPath("roleRef.name"),
			"the ClusterRole %s grants only namespaced resources to ServiceAccounts of %s; use a RoleBinding unless they need every namespace", ref.Name, ns)
	},
})
