package lint

import (
	"encoding/json"

	k8sjson "sigs.k8s.io/json"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// Decode decodes the object into a typed Kubernetes struct (for example
// *appsv1.Deployment). It returns false when the object does not fit the type
// (a schema problem, reported by other means): rules then skip it.
func Decode(o *render.Object, into any) bool {
	return decodeValue(o.Raw, into)
}

// decodeValue converts plain values into a typed struct the way the API
// server reads JSON: field names are case-sensitive, so a miscased field
// (Privileged: true) is ignored as the cluster would ignore it.
func decodeValue(v any, into any) bool {
	b, err := json.Marshal(v)
	if err != nil {
		return false
	}
	return k8sjson.UnmarshalCaseSensitivePreserveInts(b, into) == nil
}

// PodTemplate is the pod part of a workload object.
type PodTemplate struct {
	// Kind is the owning object's kind.
	Kind string
	// Meta is the pod template's metadata (labels, annotations).
	Meta map[string]any
	Spec *corev1.PodSpec
	// Path is the path of the pod spec in the object (spec.template.spec).
	Path render.Path
	// Batch is true for pods that run to completion (Jobs, CronJobs, and
	// bare Pods with restartPolicy Never/OnFailure).
	Batch bool
}

// podSpecPaths maps the built-in workload kinds to the path of their pod
// template (the part holding metadata and spec).
var podSpecPaths = map[string]string{
	"Pod":                   "",
	"Deployment":            "spec.template",
	"StatefulSet":           "spec.template",
	"DaemonSet":             "spec.template",
	"ReplicaSet":            "spec.template",
	"ReplicationController": "spec.template",
	"Job":                   "spec.template",
	"CronJob":               "spec.jobTemplate.spec.template",
	"PodTemplate":           "template",
}

// Pod returns the pod template of a workload object, or nil when the object
// is not a workload (or its pod spec does not decode).
func Pod(o *render.Object) *PodTemplate {
	base, ok := podSpecPaths[o.Kind]
	if !ok || !coreGroup(o.APIVersion, o.Kind) {
		return nil
	}
	var tmpl render.Path
	m := o.Raw
	if base != "" {
		tmpl = render.MustPath(base)
		for _, s := range tmpl {
			next, ok := m[s.Key].(map[string]any)
			if !ok {
				return nil
			}
			m = next
		}
	}
	specRaw, ok := m["spec"].(map[string]any)
	if !ok {
		return nil
	}
	var spec corev1.PodSpec
	if !decodeValue(specRaw, &spec) {
		return nil
	}
	meta, _ := m["metadata"].(map[string]any)
	pt := &PodTemplate{Kind: o.Kind, Meta: meta, Spec: &spec, Path: tmpl.Key("spec")}
	switch o.Kind {
	case "Job", "CronJob":
		pt.Batch = true
	case "Pod":
		pt.Batch = spec.RestartPolicy == corev1.RestartPolicyNever || spec.RestartPolicy == corev1.RestartPolicyOnFailure
	}
	return pt
}

// coreGroup reports whether apiVersion is the built-in group of kind, so that
// a custom resource that happens to be called Deployment is not decoded as
// one.
func coreGroup(apiVersion, kind string) bool {
	group := ""
	if i := lastSlash(apiVersion); i >= 0 {
		group = apiVersion[:i]
	}
	switch kind {
	case "Pod", "ReplicationController", "PodTemplate":
		return group == ""
	case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
		return group == "apps" || group == "extensions"
	case "Job", "CronJob":
		return group == "batch"
	}
	return false
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// Container is a container of a pod template with its path.
type Container struct {
	*corev1.Container
	Path render.Path
	Init bool
	// Sidecar is true for an init container with restartPolicy Always (a
	// native sidecar): it runs for the pod's lifetime like a main container.
	Sidecar bool
}

// Containers returns the init containers and the containers of the pod, in
// that order, each with its path (containers[name=web]).
func (p *PodTemplate) Containers() []Container {
	var cs []Container
	for i := range p.Spec.InitContainers {
		c := &p.Spec.InitContainers[i]
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		cs = append(cs, Container{Container: c, Path: containerPath(p.Path.Key("initContainers"), c.Name, i), Init: true, Sidecar: sidecar})
	}
	for i := range p.Spec.Containers {
		c := &p.Spec.Containers[i]
		cs = append(cs, Container{Container: c, Path: containerPath(p.Path.Key("containers"), c.Name, i)})
	}
	return cs
}

func containerPath(list render.Path, name string, i int) render.Path {
	if name == "" {
		return list.Index(i)
	}
	return list.Where("name", name)
}

// Replicas returns a Deployment's or StatefulSet's replica count (1 when
// unset, as the API server defaults it) and whether the object has one.
func Replicas(o *render.Object) (int32, bool) {
	switch o.Kind {
	case "Deployment":
		var d appsv1.Deployment
		if !coreGroup(o.APIVersion, o.Kind) || !Decode(o, &d) {
			return 0, false
		}
		if d.Spec.Replicas == nil {
			return 1, true
		}
		return *d.Spec.Replicas, true
	case "StatefulSet":
		var s appsv1.StatefulSet
		if !coreGroup(o.APIVersion, o.Kind) || !Decode(o, &s) {
			return 0, false
		}
		if s.Spec.Replicas == nil {
			return 1, true
		}
		return *s.Spec.Replicas, true
	}
	return 0, false
}
