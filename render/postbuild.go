package render

import (
	"fmt"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	"gopkg.in/yaml.v3"
)

// clusterScopedKinds are the built-in kinds without a namespace.
var clusterScopedKinds = map[string]bool{
	"APIService": true, "CertificateSigningRequest": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "ClusterTrustBundle": true, "ComponentStatus": true,
	"CSIDriver": true, "CSINode": true, "CustomResourceDefinition": true, "DeviceClass": true,
	"FlowSchema": true, "IngressClass": true, "IPAddress": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true,
	"MutatingWebhookConfiguration": true, "Namespace": true, "Node": true,
	"PersistentVolume": true, "PodSecurityPolicy": true, "PriorityClass": true,
	"PriorityLevelConfiguration": true, "ResourceSlice": true, "RuntimeClass": true,
	"ServiceCIDR": true, "StorageClass": true, "ValidatingAdmissionPolicy": true,
	"ValidatingAdmissionPolicyBinding": true, "ValidatingWebhookConfiguration": true,
	"VolumeAttachment": true, "VolumeAttributesClass": true,
}

// ClusterScopedKind reports a kind without a namespace: a built-in
// cluster-scoped kind, or a kind named Cluster* (ClusterIssuer,
// ClusterSecretStore, ...).
func ClusterScopedKind(kind string) bool {
	return clusterScopedKinds[kind] || strings.HasPrefix(kind, "Cluster")
}

// Deploy applies what a GitOps deployment does to rendered objects besides
// rendering: Flux's post-build variable substitution, then the deployment's
// namespace (for every namespaced object without one; for all of them with
// ForceNamespace). It returns the objects, without those whose substitution
// failed (an invalid ${...} expression, which fails the whole Flux
// Kustomization), and a *FileError naming the line of each failure.
func Deploy(objs []*Object, d *Deployment) ([]*Object, []error) {
	if d == nil {
		return objs, nil
	}
	var errs []error
	if d.Substitute != nil {
		kept := objs[:0:0]
		for _, o := range objs {
			if err := substitute(o, d); err != nil {
				errs = append(errs, err)
				continue
			}
			kept = append(kept, o)
		}
		objs = kept
	}
	if d.Namespace != "" {
		// Custom resources whose CRD, rendered with them, is cluster-scoped.
		clusterCRs := map[string]bool{}
		for _, o := range objs {
			if o.Kind == "CustomResourceDefinition" && RawString(o.Raw, "spec", "scope") == "Cluster" {
				clusterCRs[RawString(o.Raw, "spec", "names", "kind")] = true
			}
		}
		for _, o := range objs {
			if ClusterScopedKind(o.Kind) || clusterCRs[o.Kind] || o.Namespace != "" && !d.ForceNamespace {
				continue
			}
			o.Namespace = d.Namespace
			o.InReleaseNamespace = true
			if md, ok := o.Raw["metadata"].(map[string]any); ok {
				md["namespace"] = d.Namespace
			}
		}
	}
	return objs, errs
}

// substituteOff is the annotation or label that turns Flux's substitution
// off for one object.
const substituteOff = "kustomize.toolkit.fluxcd.io/substitute"

// substitute replaces ${VAR} expressions in the keys and scalars of an
// object the way Flux's kustomize-controller does (fluxcd/pkg/envsubst),
// keeping the nodes' positions. A plain scalar that changes is typed again
// (replicas: ${REPLICAS} becomes a number).
func substitute(o *Object, d *Deployment) error {
	if SubstitutionDisabled(o) {
		return nil
	}
	subs, bad, err := SubstituteVariables(o.Node, d.Substitute)
	if err != nil {
		return &FileError{File: o.File, Line: bad.Line, Err: fmt.Errorf("post-build substitution of %s (%s): %v; fix the ${...} expression", o.Ref(), d.Name, err)}
	}
	if len(subs) == 0 {
		return nil
	}
	o.Locator = varLocator{Locator: o.Locator, obj: o.Node, subs: subs, at: d.SubstituteAt}
	var v any
	if err := o.Node.Decode(&v); err != nil {
		return err
	}
	raw, _ := Normalize(v).(map[string]any)
	if raw == nil {
		return nil
	}
	o.Raw = raw
	if md, ok := raw["metadata"].(map[string]any); ok {
		o.Name, _ = md["name"].(string)
		o.Namespace, _ = md["namespace"].(string)
	}
	return nil
}

// varLocator adds to an object's locations the places that set the
// post-build variables substituted into a value ("variable REPLICAS set
// here"), which is what differs between the deployments of a shared base.
type varLocator struct {
	Locator
	obj  *yaml.Node
	subs map[*yaml.Node][]string
	at   map[string]Location
}

// Related implements RelatedLocator.
func (l varLocator) Related(p Path) []Related {
	var out []Related
	if rl, ok := l.Locator.(RelatedLocator); ok {
		out = rl.Related(p)
	}
	vars := l.subs[FindNode(l.obj, p)]
	for _, v := range vars {
		if loc, ok := l.at[v]; ok {
			out = append(out, Related{Location: loc, Message: "variable " + v + " set here", Value: len(vars) == 1, Sets: true})
		}
	}
	return out
}

// SubstitutionDisabled reports an object whose annotation or label turns
// Flux's post-build substitution off.
func SubstitutionDisabled(o *Object) bool {
	md, _ := o.Raw["metadata"].(map[string]any)
	for _, f := range []string{"annotations", "labels"} {
		if m, ok := md[f].(map[string]any); ok && m[substituteOff] == "disabled" {
			return true
		}
	}
	return false
}

// SubstituteVariables replaces Flux's post-build ${VAR} expressions in the
// keys and scalars of the node tree n, in place, the way kustomize-controller
// does (fluxcd/pkg/envsubst, non-strict: an unset variable is empty), and
// keeps the nodes' positions. A plain scalar that changes is typed again
// (replicas: ${REPLICAS} becomes a number). It returns the variables each
// changed scalar (and its key) read, or the node whose expression is
// invalid.
func SubstituteVariables(n *yaml.Node, vars map[string]string) (map[*yaml.Node][]string, *yaml.Node, error) {
	var used []string // the variables the current scalar reads
	lookup := func(k string) (string, bool) {
		v, ok := vars[k]
		if ok {
			used = append(used, k)
		}
		return v, true
	}
	subs := map[*yaml.Node][]string{}
	var walk func(n, key *yaml.Node) (*yaml.Node, error)
	walk = func(n, key *yaml.Node) (*yaml.Node, error) {
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
			used = nil
			v, err := envsubst.Eval(n.Value, lookup)
			if err != nil {
				return n, err
			}
			if v != n.Value {
				n.Value = v
				if n.Style == 0 || n.Style == yaml.FlowStyle {
					n.Tag = ""
				}
				subs[n] = used
				if key != nil {
					subs[key] = used
				}
			}
		}
		for i, c := range n.Content {
			var k *yaml.Node
			if n.Kind == yaml.MappingNode && i%2 == 1 {
				k = n.Content[i-1]
			}
			if bad, err := walk(c, k); err != nil {
				return bad, err
			}
		}
		return nil, nil
	}
	bad, err := walk(n, nil)
	return subs, bad, err
}

// RawString returns the string at a chain of mapping keys of a raw object
// (Object.Raw), or "".
func RawString(m map[string]any, keys ...string) string {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}
