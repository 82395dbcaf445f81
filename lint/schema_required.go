package lint

import (
	"fmt"
	"strings"

	"github.com/prodlint/prodlint/render"
)

// requiredProblems returns the required fields a built-in object lacks: a
// small set that the API server's validation rejects for sure, checked on
// the raw object so that an object with other problems is still checked.
// A field holding a value of the wrong type is left to invalid-field-type.
func requiredProblems(o *render.Object) []schemaProblem {
	r := &requiredCheck{}
	r.metadataName(o)
	group := apiGroup(o.APIVersion)
	spec, _ := o.Raw["spec"].(map[string]any)
	if wk, ok := builtinWorkloads[o.Kind]; ok && coreGroup(o.APIVersion, o.Kind) {
		r.podTemplate(o, wk.template)
		if o.APIVersion == "apps/v1" && o.Kind != "Pod" {
			r.field(spec, render.MustPath("spec"), "selector", "a pod selector")
		}
	}
	switch {
	case o.APIVersion == "v1" && o.Kind == "Service":
		r.service(spec)
	case o.APIVersion == "v1" && o.Kind == "PersistentVolumeClaim":
		r.list(spec, render.MustPath("spec"), "accessModes", "an access mode")
	case o.APIVersion == "networking.k8s.io/v1" && o.Kind == "Ingress":
		r.ingress(spec)
	case o.APIVersion == "batch/v1" && o.Kind == "CronJob":
		r.field(spec, render.MustPath("spec"), "schedule", "a schedule")
	case group == "rbac.authorization.k8s.io" && (o.Kind == "Role" || o.Kind == "ClusterRole"):
		if o.Raw["aggregationRule"] == nil {
			r.each(o.Raw, nil, "rules", func(e map[string]any, p render.Path) { r.list(e, p, "verbs", "a verb") })
		}
	case group == "rbac.authorization.k8s.io" && (o.Kind == "RoleBinding" || o.Kind == "ClusterRoleBinding"):
		if r.field(o.Raw, nil, "roleRef", "the role it binds") {
			ref := o.Raw["roleRef"].(map[string]any)
			r.field(ref, render.MustPath("roleRef"), "kind", "the role's kind")
			r.field(ref, render.MustPath("roleRef"), "name", "the role's name")
		}
		r.each(o.Raw, nil, "subjects", func(e map[string]any, p render.Path) {
			r.field(e, p, "kind", "the subject's kind")
			r.field(e, p, "name", "the subject's name")
		})
	case group == "autoscaling" && o.Kind == "HorizontalPodAutoscaler":
		r.field(spec, render.MustPath("spec"), "maxReplicas", "the maximum replica count")
		if r.field(spec, render.MustPath("spec"), "scaleTargetRef", "the workload to scale") {
			ref := spec["scaleTargetRef"].(map[string]any)
			r.field(ref, render.MustPath("spec.scaleTargetRef"), "kind", "the workload's kind")
			r.field(ref, render.MustPath("spec.scaleTargetRef"), "name", "the workload's name")
		}
	}
	return r.problems
}

// requiredCheck collects missing required fields.
type requiredCheck struct {
	problems []schemaProblem
}

func (r *requiredCheck) add(c schemaClass, p render.Path, format string, args ...any) {
	r.problems = append(r.problems, schemaProblem{class: c, path: p, message: fmt.Sprintf(format, args...)})
}

// missing records that parent (at path p) lacks field, which should hold
// what.
func (r *requiredCheck) missing(p render.Path, field, what string) {
	r.add(missingRequired, p.Key(field), "required field %s is missing %s; set it to %s, the API server requires it",
		quoteShort(field), fieldPlace(p), what)
}

// field checks that mapping m at path p has a non-empty value for key: a
// string, a number other than 0, or a mapping. A value of another type
// counts as present. It reports whether the field is a non-empty mapping or
// scalar.
func (r *requiredCheck) field(m map[string]any, p render.Path, key, what string) bool {
	if m == nil {
		return false
	}
	switch v := m[key].(type) {
	case nil:
	case string:
		if v != "" {
			return true
		}
	case int:
		if v != 0 {
			return true
		}
	case float64:
		if v != 0 {
			return true
		}
	case map[string]any:
		return true
	default:
		return false
	}
	r.missing(p, key, what)
	return false
}

// list checks that mapping m at path p has a non-empty list at key.
func (r *requiredCheck) list(m map[string]any, p render.Path, key, what string) {
	if m == nil {
		return
	}
	switch v := m[key].(type) {
	case nil:
	case []any:
		if len(v) > 0 {
			return
		}
	default:
		return
	}
	r.add(missingRequired, p.Key(key), "required field %s is missing or empty %s; add %s, the API server requires it",
		quoteShort(key), fieldPlace(p), what)
}

// each calls f for every mapping element of the list at key in mapping m
// at path p, with its path.
func (r *requiredCheck) each(m map[string]any, p render.Path, key string, f func(e map[string]any, p render.Path)) {
	l, _ := m[key].([]any)
	names := listNames(l)
	for i, e := range l {
		if em, ok := e.(map[string]any); ok {
			f(em, elemPath(p.Key(key), names, i))
		}
	}
}

// unnamedKinds are built-in kinds that are not stored and need no name.
var unnamedKinds = map[string]bool{
	"Status": true, "WatchEvent": true, "APIGroup": true, "APIVersions": true, "APIResourceList": true,
	"SerializedReference": true, "TokenRequest": true, "Scale": true,
}

// metadataName checks that a stored object has a name or a generateName.
func (r *requiredCheck) metadataName(o *render.Object) {
	k := o.Kind
	if unnamedKinds[k] || strings.HasSuffix(k, "List") || strings.HasSuffix(k, "Review") || strings.HasSuffix(k, "Options") {
		return
	}
	md, ok := o.Raw["metadata"].(map[string]any)
	if o.Raw["metadata"] != nil && !ok {
		return // a type error
	}
	if gen, _ := md["generateName"].(string); gen != "" {
		return
	}
	switch name := md["name"].(type) {
	case string:
		if name != "" {
			return
		}
	case nil:
	default:
		return
	}
	r.add(missingRequired, render.MustPath("metadata.name"), "required field \"name\" is missing in metadata; set a name (or generateName), the API server requires one")
}

// podTemplate checks the pod spec of a built-in workload whose pod
// template is at the dotted path tmpl ("" for a Pod).
func (r *requiredCheck) podTemplate(o *render.Object, tmpl string) {
	m, p := o.Raw, render.Path(nil)
	if tmpl != "" {
		p = render.MustPath(tmpl)
		for _, s := range p {
			next, ok := m[s.Key].(map[string]any)
			if !ok {
				return
			}
			m = next
		}
	}
	spec, ok := m["spec"].(map[string]any)
	if !ok {
		return
	}
	p = p.Key("spec")
	r.list(spec, p, "containers", "a container")
	for _, key := range []string{"initContainers", "containers"} {
		r.each(spec, p, key, func(c map[string]any, cp render.Path) {
			r.field(c, cp, "name", "a DNS label")
			r.field(c, cp, "image", "the image to run")
			r.each(c, cp, "ports", func(e map[string]any, ep render.Path) { r.field(e, ep, "containerPort", "the port number") })
			r.each(c, cp, "env", func(e map[string]any, ep render.Path) { r.field(e, ep, "name", "the variable's name") })
			r.each(c, cp, "volumeMounts", func(e map[string]any, ep render.Path) {
				r.field(e, ep, "name", "the volume's name")
				r.field(e, ep, "mountPath", "the path in the container")
			})
		})
	}
	r.each(spec, p, "volumes", func(e map[string]any, ep render.Path) { r.field(e, ep, "name", "a DNS label") })
	if like := builtinWorkloads[o.Kind].like; like == "Job" || like == "CronJob" {
		switch rp, _ := spec["restartPolicy"].(string); rp {
		case "":
			if spec["restartPolicy"] == nil {
				r.add(missingRequired, p.Key("restartPolicy"), "required field %s is missing %s; set it to OnFailure or Never, a %s's pods cannot restart Always",
					quoteShort("restartPolicy"), fieldPlace(p), o.Kind)
			}
		case "Always":
			r.add(invalidValue, p.Key("restartPolicy"), "restartPolicy of a %s's pods is Always, which the API server rejects; use OnFailure or Never", o.Kind)
		}
	}
}

// service checks the ports of a Service: a Service needs ports unless it
// is headless or an ExternalName, and every port its number.
func (r *requiredCheck) service(spec map[string]any) {
	if spec == nil {
		return
	}
	p := render.MustPath("spec")
	typ, _ := spec["type"].(string)
	ip, _ := spec["clusterIP"].(string)
	if ips, _ := spec["clusterIPs"].([]any); len(ips) > 0 && ip == "" {
		ip, _ = ips[0].(string)
	}
	if typ != "ExternalName" && ip != "None" {
		r.list(spec, p, "ports", "a port (or make the Service headless with clusterIP: None)")
	}
	r.each(spec, p, "ports", func(e map[string]any, ep render.Path) { r.field(e, ep, "port", "the port number") })
}

// ingress checks the paths of a networking.k8s.io/v1 Ingress: each needs a
// pathType and a backend.
func (r *requiredCheck) ingress(spec map[string]any) {
	r.each(spec, render.MustPath("spec"), "rules", func(rule map[string]any, rp render.Path) {
		http, _ := rule["http"].(map[string]any)
		r.each(http, rp.Key("http"), "paths", func(e map[string]any, ep render.Path) {
			r.field(e, ep, "pathType", "Prefix, Exact or ImplementationSpecific")
			r.field(e, ep, "backend", "the Service that serves the path")
		})
	})
}
