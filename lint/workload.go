package lint

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

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
	// Like is the built-in kind whose semantics the workload shares: Kind
	// itself for built-in workloads, Deployment for an Argo Rollout or an
	// OpenKruise CloneSet, Job for a KEDA ScaledJob, and "" for a custom
	// workload with no built-in equivalent (a Knative Service, or a kind
	// registered with RegisterWorkloadKind). Rules that depend on the
	// workload's behavior (readiness gates traffic, replicas) test Like.
	Like string
	// Meta is the pod template's metadata (labels, annotations).
	Meta map[string]any
	Spec *corev1.PodSpec
	// Template is the path of the pod template in the object, the mapping
	// that holds its metadata and spec (spec.template); empty for a Pod.
	Template render.Path
	// Path is the path of the pod spec in the object (spec.template.spec).
	Path render.Path
	// Batch is true for pods that run to completion (Jobs, CronJobs, KEDA
	// ScaledJobs, and bare Pods with restartPolicy Never/OnFailure).
	Batch bool
}

// Labels returns the labels of the pod template. Non-string values, which
// the API server would reject, are formatted as strings.
func (p *PodTemplate) Labels() map[string]string {
	return stringMap(p.Meta["labels"])
}

// Annotations returns the annotations of the pod template.
func (p *PodTemplate) Annotations() map[string]string {
	return stringMap(p.Meta["annotations"])
}

// stringMap converts a raw mapping of scalars to a map of strings.
func stringMap(v any) map[string]string {
	m, _ := v.(map[string]any)
	out := make(map[string]string, len(m))
	for k, x := range m {
		switch x := x.(type) {
		case nil:
			out[k] = ""
		case string:
			out[k] = x
		case map[string]any, []any:
		default:
			out[k] = fmt.Sprint(x)
		}
	}
	return out
}

// workloadKind says where a kind keeps its pod template and how it behaves.
type workloadKind struct {
	// template is the path of the pod template ("" for a Pod).
	template string
	// like is the built-in kind the workload behaves like.
	like string
	// replicas is true when spec.replicas holds the replica count.
	replicas bool
}

// builtinWorkloads maps the built-in workload kinds to their pod template.
// coreGroup checks their API group.
var builtinWorkloads = map[string]workloadKind{
	"Pod":                   {"", "Pod", false},
	"Deployment":            {"spec.template", "Deployment", true},
	"StatefulSet":           {"spec.template", "StatefulSet", true},
	"DaemonSet":             {"spec.template", "DaemonSet", false},
	"ReplicaSet":            {"spec.template", "ReplicaSet", true},
	"ReplicationController": {"spec.template", "ReplicationController", true},
	"Job":                   {"spec.template", "Job", false},
	"CronJob":               {"spec.jobTemplate.spec.template", "CronJob", false},
	"PodTemplate":           {"template", "PodTemplate", false},
}

// groupKind is an API group and a kind.
type groupKind struct{ group, kind string }

// customWorkloads maps custom resources that embed a pod template to it.
// The API version does not matter: every version of these kinds keeps the
// template at the same place.
var customWorkloads = struct {
	sync.RWMutex
	m map[groupKind]workloadKind
}{m: map[groupKind]workloadKind{
	// Argo Rollouts: a Deployment with progressive delivery. A Rollout that
	// references a Deployment (spec.workloadRef) has no template of its own.
	{"argoproj.io", "Rollout"}: {"spec.template", "Deployment", true},
	// OpenKruise CloneSet, Advanced StatefulSet and Advanced DaemonSet.
	{"apps.kruise.io", "CloneSet"}:    {"spec.template", "Deployment", true},
	{"apps.kruise.io", "StatefulSet"}: {"spec.template", "StatefulSet", true},
	{"apps.kruise.io", "DaemonSet"}:   {"spec.template", "DaemonSet", false},
	// KEDA ScaledJob: a Job spec, run to completion per event batch.
	{"keda.sh", "ScaledJob"}: {"spec.jobTargetRef.template", "Job", false},
	// Knative Serving: the revision template. Knative adds a default
	// readiness probe and scales the pods itself, so it is like no built-in
	// kind; its containers may be unnamed.
	{"serving.knative.dev", "Service"}:       {"spec.template", "", false},
	{"serving.knative.dev", "Configuration"}: {"spec.template", "", false},
}}

// RegisterWorkloadKind makes Pod (and so every workload rule) read the pod
// template of a custom resource: group and kind name it (argoproj.io,
// Rollout; any version), templatePath is the dotted path of the mapping that
// holds the pod's metadata and spec ("spec.template"). The configuration
// file calls it before linting. Such workloads are like no built-in kind:
// the pod and container rules apply to them, the rules about traffic,
// replicas or batch semantics do not.
//
// It fails for a built-in kind, an invalid path, or a kind already
// registered with another path; registering the same kind and path again is
// a no-op.
func RegisterWorkloadKind(group, kind, templatePath string) error {
	group, kind, templatePath = strings.TrimSpace(group), strings.TrimSpace(kind), strings.TrimSpace(templatePath)
	switch {
	case group == "" || strings.Contains(group, "/"):
		return fmt.Errorf("workload kind %s: the API group must be a non-empty group name without version (argoproj.io)", kind)
	case kind == "" || !unicode.IsUpper([]rune(kind)[0]):
		return fmt.Errorf("workload kind %q in %s: the kind must be a non-empty CamelCase name (Rollout)", kind, group)
	case coreGroup(group+"/v1", kind):
		return fmt.Errorf("workload kind %s/%s is built in", group, kind)
	}
	p, err := render.ParsePath(templatePath)
	if err != nil || len(p) == 0 {
		return fmt.Errorf("workload kind %s/%s: template path %q: want a dotted path such as spec.template", group, kind, templatePath)
	}
	for _, s := range p {
		if !s.IsKey {
			return fmt.Errorf("workload kind %s/%s: template path %q: only mapping keys are allowed, no list steps", group, kind, templatePath)
		}
	}
	gk := groupKind{group, kind}
	customWorkloads.Lock()
	defer customWorkloads.Unlock()
	if old, ok := customWorkloads.m[gk]; ok {
		if old.template == p.String() {
			return nil
		}
		return fmt.Errorf("workload kind %s/%s is already registered with template path %s", group, kind, old.template)
	}
	customWorkloads.m[gk] = workloadKind{template: p.String()}
	return nil
}

// workloadKindOf returns how object o keeps its pod template, if it is a
// workload.
func workloadKindOf(o *render.Object) (workloadKind, bool) {
	if wk, ok := builtinWorkloads[o.Kind]; ok && coreGroup(o.APIVersion, o.Kind) {
		return wk, true
	}
	customWorkloads.RLock()
	defer customWorkloads.RUnlock()
	wk, ok := customWorkloads.m[groupKind{apiGroup(o.APIVersion), o.Kind}]
	return wk, ok
}

// Pod returns the pod template of a workload object, or nil when the object
// is not a workload (or its pod spec does not decode). Workloads are the
// built-in kinds (in their own API group, so that a custom resource that
// happens to be called Deployment is not decoded as one) and the custom
// resources of customWorkloads and RegisterWorkloadKind.
func Pod(o *render.Object) *PodTemplate {
	wk, ok := workloadKindOf(o)
	if !ok {
		return nil
	}
	var tmpl render.Path
	m := o.Raw
	if wk.template != "" {
		tmpl = render.MustPath(wk.template)
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
	pt := &PodTemplate{Kind: o.Kind, Like: wk.like, Meta: meta, Spec: &spec, Template: tmpl, Path: tmpl.Key("spec")}
	switch wk.like {
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

// Replicas returns the replica count of a workload that has one in
// spec.replicas (Deployments, StatefulSets, ReplicaSets,
// ReplicationControllers and the custom workloads like them), 1 when unset
// as the API server defaults it, and whether the object has one.
func Replicas(o *render.Object) (int32, bool) {
	wk, ok := workloadKindOf(o)
	if !ok || !wk.replicas {
		return 0, false
	}
	switch {
	case o.Kind == "Deployment" && coreGroup(o.APIVersion, o.Kind):
		var d appsv1.Deployment
		if !Decode(o, &d) {
			return 0, false
		}
		if d.Spec.Replicas == nil {
			return 1, true
		}
		return *d.Spec.Replicas, true
	case o.Kind == "StatefulSet" && coreGroup(o.APIVersion, o.Kind):
		var s appsv1.StatefulSet
		if !Decode(o, &s) {
			return 0, false
		}
		if s.Spec.Replicas == nil {
			return 1, true
		}
		return *s.Spec.Replicas, true
	}
	spec, _ := o.Raw["spec"].(map[string]any)
	if spec == nil {
		return 0, false
	}
	if spec["replicas"] == nil {
		return 1, true
	}
	n, ok := rawInt(spec["replicas"])
	if !ok || n < 0 || n > 1<<31-1 {
		return 0, false
	}
	return int32(n), true
}

// rawInt returns an integer of a raw value (an int, or a float without
// fraction).
func rawInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		return int64(n), n <= 1<<62
	case float64:
		if n == float64(int64(n)) {
			return int64(n), true
		}
	}
	return 0, false
}
