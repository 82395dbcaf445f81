package render

import (
	"fmt"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	"gopkg.in/yaml.v3"
)

// clusterScoped are the built-in kinds without a namespace; a deployment's
// namespace is not given to them.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "StorageClass": true, "CSIDriver": true,
	"CSINode": true, "VolumeAttachment": true, "PriorityClass": true, "RuntimeClass": true,
	"IngressClass": true, "APIService": true, "CustomResourceDefinition": true,
	"MutatingWebhookConfiguration": true, "ValidatingWebhookConfiguration": true,
	"ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"PodSecurityPolicy": true, "CertificateSigningRequest": true, "FlowSchema": true,
	"PriorityLevelConfiguration": true, "VolumeAttributesClass": true, "DeviceClass": true,
}

// Deploy applies what a GitOps deployment does to rendered objects besides
// rendering: Flux's post-build variable substitution, then the deployment's
// namespace (for every namespaced object without one; for all of them with
// ForceNamespace). It returns the problems of the substitution (an invalid
// ${...} expression), each naming its object.
func Deploy(objs []*Object, d *Deployment) []error {
	if d == nil {
		return nil
	}
	var errs []error
	if d.Substitute != nil {
		for _, o := range objs {
			if err := substitute(o, d.Substitute); err != nil {
				errs = append(errs, fmt.Errorf("%s: post-build substitution of %s: %v", d.Name, o.Ref(), err))
			}
		}
	}
	if d.Namespace != "" {
		for _, o := range objs {
			if clusterScoped[o.Kind] || strings.HasPrefix(o.Kind, "Cluster") || o.Namespace != "" && !d.ForceNamespace {
				continue
			}
			o.Namespace = d.Namespace
			o.InReleaseNamespace = true
			if md, ok := o.Raw["metadata"].(map[string]any); ok {
				md["namespace"] = d.Namespace
			}
		}
	}
	return errs
}

// substituteOff is the annotation or label that turns Flux's substitution
// off for one object.
const substituteOff = "kustomize.toolkit.fluxcd.io/substitute"

// substitute replaces ${VAR} expressions in the keys and scalars of an
// object the way Flux's kustomize-controller does (fluxcd/pkg/envsubst),
// keeping the nodes' positions. A plain scalar that changes is typed again
// (replicas: ${REPLICAS} becomes a number).
func substitute(o *Object, vars map[string]string) error {
	md, _ := o.Raw["metadata"].(map[string]any)
	for _, f := range []string{"annotations", "labels"} {
		if m, ok := md[f].(map[string]any); ok && m[substituteOff] == "disabled" {
			return nil
		}
	}
	lookup := func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
	changed := false
	var walk func(n *yaml.Node) error
	walk = func(n *yaml.Node) error {
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
			v, err := envsubst.Eval(n.Value, lookup)
			if err != nil {
				return err
			}
			if v != n.Value {
				n.Value, changed = v, true
				if n.Style == 0 || n.Style == yaml.FlowStyle {
					n.Tag = ""
				}
			}
		}
		for _, c := range n.Content {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(o.Node); err != nil || !changed {
		return err
	}
	var v any
	if err := o.Node.Decode(&v); err != nil {
		return err
	}
	raw, _ := normalize(v).(map[string]any)
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
