package lint

import (
	"path"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"

	"github.com/prodlint/prodlint/render"
)

// This file holds small Kubernetes helpers shared by the rules.

// linuxPod reports whether the pod runs Linux containers. The Linux-only
// security fields (privileged, capabilities, runAsUser, ...) are forbidden
// for pods with spec.os.name: windows, so rules about them skip such pods.
func linuxPod(pt *PodTemplate) bool {
	return pt.Spec.OS == nil || pt.Spec.OS.Name != corev1.Windows
}

// securityContextPath is the path of a container's securityContext.
func securityContextPath(c Container) render.Path {
	return c.Path.Key("securityContext")
}

// isTrue reports whether an optional boolean is set to true.
func isTrue(b *bool) bool { return b != nil && *b }

// isFalse reports whether an optional boolean is set to false.
func isFalse(b *bool) bool { return b != nil && !*b }

// privileged reports whether a container sets securityContext.privileged:
// true.
func privileged(c Container) bool {
	return c.SecurityContext != nil && isTrue(c.SecurityContext.Privileged)
}

// capName normalizes a capability name the way container runtimes read it:
// case-insensitive, with or without the CAP_ prefix ("cap_sys_admin" and
// "SYS_ADMIN" are both SYS_ADMIN). The keyword ALL is only recognized
// without the prefix ("all" is ALL, "CAP_ALL" stays CAP_ALL, which is no
// capability).
func capName(c corev1.Capability) string {
	s := strings.ToUpper(strings.TrimSpace(string(c)))
	if n := strings.TrimPrefix(s, "CAP_"); n != "ALL" {
		return n
	}
	return s
}

// addsCapability reports whether a container adds capability name (in
// capName form).
func addsCapability(c Container, name string) bool {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return false
	}
	for _, a := range c.SecurityContext.Capabilities.Add {
		if capName(a) == name {
			return true
		}
	}
	return false
}

// apiGroup returns the group of an apiVersion ("" for the core group v1).
func apiGroup(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// sameNamespace reports whether two objects of one render may live in the
// same namespace. An object without metadata.namespace gets the release or
// kustomize namespace, so an empty namespace matches any: rules that use it
// to find a related object err on the side of finding it (no finding) rather
// than reporting a false positive.
func sameNamespace(a, b string) bool {
	return a == "" || b == "" || a == b
}

// rawString returns the string at a chain of mapping keys in raw, or "".
func rawString(raw map[string]any, keys ...string) string {
	var cur any = raw
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = m[k]
	}
	s, _ := cur.(string)
	return s
}

// findObject returns the object of the given group, kind and name in objs
// that may share namespace ns, or nil.
func findObject(objs []*render.Object, group, kind, ns, name string) *render.Object {
	for _, o := range objs {
		if o.Kind == kind && apiGroup(o.APIVersion) == group && o.Name == name && sameNamespace(o.Namespace, ns) {
			return o
		}
	}
	return nil
}

// autoscaler returns the object of objs that manages the replica count of
// o: a HorizontalPodAutoscaler or a KEDA ScaledObject whose scaleTargetRef
// names o (a ScaledObject's target kind defaults to Deployment). It returns
// nil when there is none.
func autoscaler(o *render.Object, objs []*render.Object) *render.Object {
	for _, a := range objs {
		var defaultKind string
		switch {
		case a.Kind == "HorizontalPodAutoscaler" && apiGroup(a.APIVersion) == "autoscaling":
		case a.Kind == "ScaledObject" && apiGroup(a.APIVersion) == "keda.sh":
			defaultKind = "Deployment"
		default:
			continue
		}
		kind := rawString(a.Raw, "spec", "scaleTargetRef", "kind")
		if kind == "" {
			kind = defaultKind
		}
		name := rawString(a.Raw, "spec", "scaleTargetRef", "name")
		if kind == o.Kind && name == o.Name && sameNamespace(a.Namespace, o.Namespace) {
			return a
		}
	}
	return nil
}

// limitRangeDefaults returns the container resources that a LimitRange of
// objs in namespace ns fills in: requests (from defaultRequest, or from
// default, which also defaults the request) and limits (from default).
func limitRangeDefaults(objs []*render.Object, ns string) (requests, limits corev1.ResourceList) {
	requests, limits = corev1.ResourceList{}, corev1.ResourceList{}
	for _, o := range objs {
		if o.Kind != "LimitRange" || o.APIVersion != "v1" || !sameNamespace(o.Namespace, ns) {
			continue
		}
		var lr corev1.LimitRange
		if !Decode(o, &lr) {
			continue
		}
		for _, item := range lr.Spec.Limits {
			if item.Type != corev1.LimitTypeContainer {
				continue
			}
			for r, q := range item.Default {
				limits[r], requests[r] = q, q
			}
			for r, q := range item.DefaultRequest {
				requests[r] = q
			}
		}
	}
	return requests, limits
}

// policyRules returns the rules of a Role or ClusterRole. Aggregated
// ClusterRoles (with an aggregationRule) return nil: the controller
// overwrites their rules with those of the ClusterRoles they select, which
// are linted on their own.
func policyRules(o *render.Object) []rbacv1.PolicyRule {
	if apiGroup(o.APIVersion) != rbacv1.GroupName {
		return nil
	}
	switch o.Kind {
	case "Role":
		var r rbacv1.Role
		if Decode(o, &r) {
			return r.Rules
		}
	case "ClusterRole":
		var r rbacv1.ClusterRole
		if Decode(o, &r) && r.AggregationRule == nil {
			return r.Rules
		}
	}
	return nil
}

// wildcardResource reports whether a resource entry is or contains a
// wildcard: "*", "*/scale" (a subresource of every resource) or "pods/*"
// (every subresource, exec and attach included).
func wildcardResource(r string) bool {
	for _, part := range strings.Split(r, "/") {
		if part == "*" {
			return true
		}
	}
	return false
}

// hasWildcardResource reports whether a policy rule has a wildcard resource.
func hasWildcardResource(r rbacv1.PolicyRule) bool {
	for _, res := range r.Resources {
		if wildcardResource(res) {
			return true
		}
	}
	return false
}

// servesTraffic reports whether a pod template belongs to a long-running
// workload whose readiness gates traffic and rollouts: Deployments,
// StatefulSets, ReplicaSets, ReplicationControllers and bare Pods that
// restart. Jobs, CronJobs and run-to-completion Pods never become "ready";
// DaemonSets are node agents that rarely sit behind a Service.
func servesTraffic(pt *PodTemplate) bool {
	switch pt.Kind {
	case "Deployment", "StatefulSet", "ReplicaSet", "ReplicationController":
		return true
	case "Pod":
		return !pt.Batch
	}
	return false
}

// hostPathPath is the path of the hostPath.path field of volume i, named
// name, of a pod template.
func hostPathPath(pt *PodTemplate, name string, i int) render.Path {
	vols := pt.Path.Key("volumes")
	if name == "" {
		return vols.Index(i).Key("hostPath").Key("path")
	}
	return vols.Where("name", name).Key("hostPath").Key("path")
}

// runtimeSockets are the file names of container runtime API sockets.
var runtimeSockets = map[string]bool{
	"docker.sock":      true,
	"containerd.sock":  true,
	"crio.sock":        true,
	"cri-dockerd.sock": true,
	"dockershim.sock":  true,
	"podman.sock":      true,
}

// runtimeDirs are the names of the runtime folders below /run (or
// /var/run) that hold those sockets (/run/containerd,
// /run/k3s/containerd, /run/user/1000/podman).
var runtimeDirs = map[string]bool{
	"docker":      true,
	"containerd":  true,
	"crio":        true,
	"cri-dockerd": true,
	"podman":      true,
}

// runtimeSocket reports whether a host path is a container runtime socket
// (any folder, by file name) or a runtime folder below /run or /var/run that
// holds one. dir is true for a folder. Generic parents such as / or /var/run
// are left to host-path-volume: they expose much more than the socket.
func runtimeSocket(hostPath string) (dir, ok bool) {
	p := path.Clean(strings.TrimSpace(hostPath))
	if runtimeSockets[path.Base(p)] {
		return false, true
	}
	if strings.HasPrefix(p, "/var/run/") {
		p = strings.TrimPrefix(p, "/var")
	}
	if strings.HasPrefix(p, "/run/") && runtimeDirs[path.Base(p)] {
		return true, true
	}
	return false, false
}
