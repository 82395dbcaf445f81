package lint

import (
	"path"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/prodlint/prodlint/render"
)

// This file holds small Kubernetes helpers shared by the rules.

// linuxPod returns the pod template of a workload whose pods run Linux
// containers, or nil. The Linux-only security fields (privileged,
// capabilities, runAsUser, ...) are forbidden for pods with spec.os.name:
// windows, so rules about them skip such pods.
func linuxPod(o *render.Object) *PodTemplate {
	pt := Pod(o)
	if pt == nil || (pt.Spec.OS != nil && pt.Spec.OS.Name == corev1.Windows) {
		return nil
	}
	return pt
}

// linuxContainers returns the containers of a workload whose pods run
// Linux (see linuxPod), and none for other objects.
func linuxContainers(o *render.Object) []Container {
	if pt := linuxPod(o); pt != nil {
		return pt.Containers()
	}
	return nil
}

// unprivileged returns the containers of cs that do not run privileged.
// Rules about confinement (capabilities, seccomp, AppArmor, SELinux,
// privilege escalation) skip privileged containers: nothing confines them,
// and privileged-container reports them.
func unprivileged(cs []Container) []Container {
	var out []Container
	for _, c := range cs {
		if !privileged(c) {
			out = append(out, c)
		}
	}
	return out
}

// settingReporter reports pod or container settings (a seccomp, SELinux or
// AppArmor profile) that apply to containers, once where each is written:
// in the container for a container's own setting, else on the pod, whose
// setting may apply to several containers.
type settingReporter struct {
	p    *Pass
	seen map[string]bool
}

func newSettingReporter(p *Pass) *settingReporter {
	return &settingReporter{p: p, seen: map[string]bool{}}
}

// report reports the setting at path that applies to container c (own when
// the container sets it), unless it was reported already.
func (r *settingReporter) report(c Container, own bool, path render.Path, format string, args ...any) {
	if r.seen[path.String()] {
		return
	}
	r.seen[path.String()] = true
	if own {
		r.p.ReportContainer(c, path, format, args...)
	} else {
		r.p.Report(path, format, args...)
	}
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

// capabilities returns the capabilities a container adds and drops (none
// when unset).
func capabilities(c Container) corev1.Capabilities {
	if c.SecurityContext == nil || c.SecurityContext.Capabilities == nil {
		return corev1.Capabilities{}
	}
	return *c.SecurityContext.Capabilities
}

// hasCapability reports whether a capability list holds name (in capName
// form).
func hasCapability(list []corev1.Capability, name string) bool {
	for _, x := range list {
		if capName(x) == name {
			return true
		}
	}
	return false
}

// addsCapability reports whether a container adds capability name (in
// capName form).
func addsCapability(c Container, name string) bool {
	return hasCapability(capabilities(c).Add, name)
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
func rawString(raw map[string]any, keys ...string) string { return render.RawString(raw, keys...) }

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

// podOrLimitRangeLimit reports whether a limit of resource r applies to
// the containers of pt without a container limit: a pod-level limit, or a
// default limit of a LimitRange of objs in namespace ns.
func podOrLimitRangeLimit(pt *PodTemplate, objs []*render.Object, ns string, r corev1.ResourceName) bool {
	if pr := pt.Spec.Resources; pr != nil {
		if _, ok := pr.Limits[r]; ok {
			return true
		}
	}
	_, limits := limitRangeDefaults(objs, ns)
	_, ok := limits[r]
	return ok
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
// StatefulSets, ReplicaSets, ReplicationControllers, the custom workloads
// like them (Argo Rollouts, OpenKruise CloneSets) and bare Pods that
// restart. Jobs, CronJobs and run-to-completion Pods never become "ready";
// DaemonSets are node agents that rarely sit behind a Service.
func servesTraffic(pt *PodTemplate) bool {
	switch pt.Like {
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

// workloadPod is a workload object of a render with its pod template.
type workloadPod struct {
	Obj *render.Object
	Pod *PodTemplate
	// Labels are the pod template's labels.
	Labels labels.Set
}

// renderIndex holds what rules that relate objects look up in every pass:
// the pod templates of the render, decoded once.
type renderIndex struct {
	objs  []*render.Object
	pods  []workloadPod
	byObj map[*render.Object]int

	// The PodDisruptionBudgets and NetworkPolicies of the render, decoded
	// on first use.
	pdbOnce sync.Once
	pdbs    []decodedPDB
	npOnce  sync.Once
	nps     []decodedNetworkPolicy
	// otherPolicies is true when the render holds network policies of
	// another engine (otherPolicyGroups).
	otherPolicies bool
}

// decodedPDB is a PodDisruptionBudget with its pod selector.
type decodedPDB struct {
	obj *render.Object
	sel labels.Selector
}

// decodedNetworkPolicy is a NetworkPolicy with its object.
type decodedNetworkPolicy struct {
	obj *render.Object
	np  *networkingv1.NetworkPolicy
}

// disruptionBudgets returns the PodDisruptionBudgets of the render that
// decode.
func (ix *renderIndex) disruptionBudgets() []decodedPDB {
	ix.pdbOnce.Do(func() {
		for _, o := range ix.objs {
			if o.Kind != "PodDisruptionBudget" || apiGroup(o.APIVersion) != "policy" {
				continue
			}
			if sel, ok := pdbSelector(o); ok {
				ix.pdbs = append(ix.pdbs, decodedPDB{o, sel})
			}
		}
	})
	return ix.pdbs
}

// networkPolicies returns the NetworkPolicies of the render that decode.
func (ix *renderIndex) networkPolicies() []decodedNetworkPolicy {
	ix.npOnce.Do(func() {
		for _, o := range ix.objs {
			if o.Kind != "NetworkPolicy" || apiGroup(o.APIVersion) != "networking.k8s.io" {
				continue
			}
			var np networkingv1.NetworkPolicy
			if Decode(o, &np) {
				ix.nps = append(ix.nps, decodedNetworkPolicy{o, &np})
			}
		}
		for _, o := range ix.objs {
			ix.otherPolicies = ix.otherPolicies || otherPolicyGroups[apiGroup(o.APIVersion)]
		}
	})
	return ix.nps
}

// renderCache keeps what was computed from the objects of recent renders,
// most recently used first. A render's objects are checked one after the
// other, each pass seeing the same Objects slice, so a few entries are
// enough; a miss only costs time.
type renderCache[T any] struct {
	mu      sync.Mutex
	size    int
	entries []renderCacheEntry[T]
}

type renderCacheEntry[T any] struct {
	objs []*render.Object
	val  T
}

// get returns the value cached for objs, computing it with build (outside
// the lock) on a miss.
func (c *renderCache[T]) get(objs []*render.Object, build func() T) T {
	c.mu.Lock()
	for i, e := range c.entries {
		if sameObjects(e.objs, objs) {
			copy(c.entries[1:i+1], c.entries[:i])
			c.entries[0] = e
			c.mu.Unlock()
			return e.val
		}
	}
	c.mu.Unlock()
	v := build()
	c.mu.Lock()
	c.entries = append([]renderCacheEntry[T]{{objs, v}}, c.entries...)
	if len(c.entries) > c.size {
		c.entries = c.entries[:c.size]
	}
	c.mu.Unlock()
	return v
}

// indexCache keeps the indexes of the renders being linted.
var indexCache = renderCache[*renderIndex]{size: 32}

// indexOf returns the index of the objects of a render.
func indexOf(objs []*render.Object) *renderIndex {
	return indexCache.get(objs, func() *renderIndex {
		ix := &renderIndex{objs: objs, byObj: map[*render.Object]int{}}
		for _, o := range objs {
			if pt := Pod(o); pt != nil {
				ix.byObj[o] = len(ix.pods)
				ix.pods = append(ix.pods, workloadPod{Obj: o, Pod: pt, Labels: labels.Set(pt.Labels())})
			}
		}
		return ix
	})
}

func sameObjects(a, b []*render.Object) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// podsIn returns the workload pods of the render that may live in namespace
// ns (sameNamespace).
func (ix *renderIndex) podsIn(ns string) []workloadPod {
	var out []workloadPod
	for _, w := range ix.pods {
		if sameNamespace(w.Obj.Namespace, ns) {
			out = append(out, w)
		}
	}
	return out
}

// selecting returns the workload pods of namespace ns whose labels sel
// matches.
func (ix *renderIndex) selecting(ns string, sel labels.Selector) []workloadPod {
	var out []workloadPod
	for _, w := range ix.podsIn(ns) {
		if sel.Matches(w.Labels) {
			out = append(out, w)
		}
	}
	return out
}

// labelSelector converts a label selector the way the API server does: a
// nil selector selects nothing, an empty one everything. ok is false for an
// invalid selector, which rules then skip.
func labelSelector(ls *metav1.LabelSelector) (sel labels.Selector, ok bool) {
	if ls == nil {
		return labels.Nothing(), true
	}
	s, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return nil, false
	}
	return s, true
}

// sameNamespaceStrict reports whether two objects are known to be in the
// same namespace: both set it to the same value, or neither sets it (both
// get the release or kustomize namespace). Rules use it where finding the
// related object would cause a finding, so that a guess never does.
func sameNamespaceStrict(a, b string) bool { return a == b }

// builtinGroups are the API groups served by Kubernetes itself.
var builtinGroups = map[string]bool{
	"": true, "apps": true, "batch": true, "autoscaling": true, "policy": true, "extensions": true,
	"networking.k8s.io": true, "rbac.authorization.k8s.io": true, "storage.k8s.io": true,
	"apiextensions.k8s.io": true, "admissionregistration.k8s.io": true, "scheduling.k8s.io": true,
	"coordination.k8s.io": true, "discovery.k8s.io": true, "node.k8s.io": true,
	"certificates.k8s.io": true, "flowcontrol.apiserver.k8s.io": true, "events.k8s.io": true,
	"apiregistration.k8s.io": true, "resource.k8s.io": true, "authentication.k8s.io": true,
	"authorization.k8s.io": true, "internal.apiserver.k8s.io": true, "storagemigration.k8s.io": true,
	"metrics.k8s.io": true,
}

// passiveGroups are API groups of common custom resources that never create
// pods (monitoring, certificates, routing, secrets, autoscaling triggers).
var passiveGroups = map[string]bool{
	"cert-manager.io": true, "acme.cert-manager.io": true, "trust.cert-manager.io": true,
	"networking.istio.io": true, "security.istio.io": true, "telemetry.istio.io": true,
	"extensions.istio.io": true, "gateway.networking.k8s.io": true,
	"external-secrets.io": true, "bitnami.com": true, "secrets-store.csi.x-k8s.io": true,
	"traefik.io": true, "traefik.containo.us": true, "policy.linkerd.io": true,
	"autoscaling.k8s.io": true, "cloud.google.com": true, "networking.gke.io": true,
	"source.toolkit.fluxcd.io": true, "notification.toolkit.fluxcd.io": true,
	"image.toolkit.fluxcd.io": true, "kyverno.io": true, "templates.gatekeeper.sh": true,
	"constraints.gatekeeper.sh": true, "snapshot.storage.k8s.io": true,
}

// passiveKinds are custom resource kinds of groups that also hold
// pod-creating kinds (monitoring.coreos.com has Prometheus and
// ServiceMonitor) that never create pods.
var passiveKinds = map[groupKind]bool{
	{"monitoring.coreos.com", "ServiceMonitor"}:     true,
	{"monitoring.coreos.com", "PodMonitor"}:         true,
	{"monitoring.coreos.com", "PrometheusRule"}:     true,
	{"monitoring.coreos.com", "Probe"}:              true,
	{"monitoring.coreos.com", "ScrapeConfig"}:       true,
	{"monitoring.coreos.com", "AlertmanagerConfig"}: true,
	{"keda.sh", "ScaledObject"}:                     true,
	{"keda.sh", "TriggerAuthentication"}:            true,
	{"keda.sh", "ClusterTriggerAuthentication"}:     true,
	{"argoproj.io", "AnalysisTemplate"}:             true,
	{"argoproj.io", "ClusterAnalysisTemplate"}:      true,
}

// hiddenPods reports whether the render holds, in a namespace that may be
// ns, a custom resource that may create pods the render does not show: an
// operator's instance (a Prometheus, a database cluster), a Flux
// HelmRelease, an Argo CD Application. Rules that report a selector that
// matches no pod of the render stay silent then.
func hiddenPods(objs []*render.Object, ns string) bool {
	for _, o := range objs {
		g := apiGroup(o.APIVersion)
		if builtinGroups[g] || passiveGroups[g] || passiveKinds[groupKind{g, o.Kind}] || !sameNamespace(o.Namespace, ns) {
			continue
		}
		if _, ok := workloadKindOf(o); ok {
			continue
		}
		return true
	}
	return false
}

// hasKindIn reports whether objs holds an object of group and kind in
// exactly namespace ns (see sameNamespaceStrict).
func hasKindIn(objs []*render.Object, group, kind, ns string) bool {
	for _, o := range objs {
		if o.Kind == kind && apiGroup(o.APIVersion) == group && sameNamespaceStrict(o.Namespace, ns) {
			return true
		}
	}
	return false
}

// rawAt returns the raw value at a chain of mapping keys in raw, or nil.
func rawAt(raw map[string]any, keys ...string) any {
	var cur any = raw
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[k]
	}
	return cur
}

// autoscalerRange returns the replica range of an autoscaler found by
// autoscaler: an HPA's minReplicas (1 when unset) and maxReplicas, a KEDA
// ScaledObject's minReplicaCount (0 when unset) and maxReplicaCount (100
// when unset). ok is false when they do not decode.
func autoscalerRange(a *render.Object) (min, max int64, ok bool) {
	spec, _ := a.Raw["spec"].(map[string]any)
	get := func(key string, def int64) (int64, bool) {
		if spec == nil || spec[key] == nil {
			return def, true
		}
		return rawInt(spec[key])
	}
	var okMin, okMax bool
	if a.Kind == "ScaledObject" {
		min, okMin = get("minReplicaCount", 0)
		max, okMax = get("maxReplicaCount", 100)
	} else {
		min, okMin = get("minReplicas", 1)
		max, okMax = get("maxReplicas", 0)
	}
	return min, max, okMin && okMax
}

// replicaRange returns the lowest and highest number of replicas a
// replicated workload runs: its autoscaler's range when one manages it,
// else its replica count. ok is false for objects without replicas.
func replicaRange(o *render.Object, objs []*render.Object) (min, max int64, ok bool) {
	if a := autoscaler(o, objs); a != nil {
		return autoscalerRange(a)
	}
	n, ok := Replicas(o)
	return int64(n), int64(n), ok
}

// minReplicas returns the lowest number of replicas a replicated workload
// runs (see replicaRange).
func minReplicas(o *render.Object, objs []*render.Object) (int64, bool) {
	min, _, ok := replicaRange(o, objs)
	return min, ok
}

// maxReplicas returns the highest number of replicas a replicated workload
// runs (see replicaRange).
func maxReplicas(o *render.Object, objs []*render.Object) (int64, bool) {
	_, max, ok := replicaRange(o, objs)
	return max, ok
}

// replicatedWorkload reports whether o is a Deployment or a StatefulSet, or
// a custom workload like them (Argo Rollout, OpenKruise CloneSet or
// Advanced StatefulSet), with a replica count.
func replicatedWorkload(o *render.Object) bool {
	wk, ok := workloadKindOf(o)
	return ok && wk.replicas && (wk.like == "Deployment" || wk.like == "StatefulSet")
}

// multiReplica reports whether o is a replicated workload (see
// replicatedWorkload) that runs, or may be scaled to, two replicas or more.
func multiReplica(o *render.Object, objs []*render.Object) bool {
	if !replicatedWorkload(o) {
		return false
	}
	n, ok := maxReplicas(o, objs)
	return ok && n >= 2
}

// selectingBudgets returns the PodDisruptionBudgets of the render that
// select the pods of workload w.
func (ix *renderIndex) selectingBudgets(w workloadPod) []*render.Object {
	var out []*render.Object
	for _, d := range ix.disruptionBudgets() {
		if sameNamespace(d.obj.Namespace, w.Obj.Namespace) && d.sel.Matches(w.Labels) {
			out = append(out, d.obj)
		}
	}
	return out
}

// pdbSelector returns the pod selector of a PodDisruptionBudget: policy/v1
// selects every pod of the namespace with an empty selector, policy/v1beta1
// none. ok is false when it does not decode.
func pdbSelector(o *render.Object) (labels.Selector, bool) {
	var pdb policyv1.PodDisruptionBudget
	if !Decode(o, &pdb) {
		return nil, false
	}
	ls := pdb.Spec.Selector
	if ls != nil && len(ls.MatchLabels) == 0 && len(ls.MatchExpressions) == 0 && o.APIVersion == "policy/v1beta1" {
		return labels.Nothing(), true
	}
	return labelSelector(ls)
}

// workloadPodOf returns the index entry of a workload object.
func (ix *renderIndex) workloadPodOf(o *render.Object) (workloadPod, bool) {
	i, ok := ix.byObj[o]
	if !ok {
		return workloadPod{}, false
	}
	return ix.pods[i], true
}
