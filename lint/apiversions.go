package lint

import (
	"strconv"
	"strings"
)

// This file holds the table of Kubernetes API versions that were deprecated
// or removed since Kubernetes 1.16, and the Kubernetes version helpers of
// the rules that depend on the version linted for.

// defaultKubeMinor is the Kubernetes minor version (1.x) assumed when the
// environment does not name a valid one.
const defaultKubeMinor = 34

// parseKubeVersion parses the major and minor version of "1.34.0",
// "v1.34" or "1.34.2-gke.100".
func parseKubeVersion(s string) (major, minor int, ok bool) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	parts := strings.SplitN(s, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	minorStr := parts[1]
	if i := strings.IndexFunc(minorStr, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minorStr = minorStr[:i]
	}
	major, err1 := strconv.Atoi(parts[0])
	minor, err2 := strconv.Atoi(minorStr)
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return 0, 0, false
	}
	return major, minor, true
}

// kubeMinor returns the minor version of the Kubernetes 1.x release linted
// for, defaultKubeMinor when the environment does not say.
func kubeMinor(env Env) int {
	major, minor, ok := parseKubeVersion(env.KubeVersion)
	if !ok || major != 1 {
		return defaultKubeMinor
	}
	return minor
}

// replacement is an API version (and kind, when it changed) that replaces
// a deprecated one, available since Kubernetes 1.<since>.
type replacement struct {
	use   string
	since int
}

// apiChange is a deprecated or removed API version of one kind.
type apiChange struct {
	apiVersion, kind string
	// deprecated and removed are the Kubernetes minor versions (1.x) that
	// deprecated the API version and stopped serving it; removed is 0 when
	// no removal is scheduled.
	deprecated, removed int
	// replacements, oldest first: the newest one available in the version
	// linted for is recommended.
	replacements []replacement
}

// use returns what to migrate to in Kubernetes 1.<minor>.
func (c apiChange) use(minor int) string {
	best := c.replacements[len(c.replacements)-1].use
	for i := len(c.replacements) - 1; i >= 0; i-- {
		if c.replacements[i].since <= minor {
			return c.replacements[i].use
		}
	}
	return best
}

func replacedBy(use string, since int) []replacement { return []replacement{{use, since}} }

var (
	appsV1         = replacedBy("apps/v1", 9)
	networkingV1   = replacedBy("networking.k8s.io/v1", 8)
	ingressV1      = []replacement{{"networking.k8s.io/v1beta1", 14}, {"networking.k8s.io/v1", 19}}
	rbacV1         = replacedBy("rbac.authorization.k8s.io/v1", 8)
	storageV1      = replacedBy("storage.k8s.io/v1", 14)
	flowcontrolV1  = []replacement{{"flowcontrol.apiserver.k8s.io/v1beta2", 23}, {"flowcontrol.apiserver.k8s.io/v1beta3", 26}, {"flowcontrol.apiserver.k8s.io/v1", 29}}
	hpaV2          = replacedBy("autoscaling/v2", 23)
	podSecurity    = replacedBy("Pod Security Admission (the pod-security.kubernetes.io namespace labels)", 23)
	resourceV1     = []replacement{{"resource.k8s.io/v1alpha3", 31}, {"resource.k8s.io/v1beta1", 32}, {"resource.k8s.io/v1", 34}}
	deviceClassV1  = []replacement{{"resource.k8s.io/v1alpha3 DeviceClass", 31}, {"resource.k8s.io/v1beta1 DeviceClass", 32}, {"resource.k8s.io/v1 DeviceClass", 34}}
	admissionV1    = replacedBy("admissionregistration.k8s.io/v1", 16)
	apiextensionV1 = replacedBy("apiextensions.k8s.io/v1", 16)
)

// apiChanges lists every API version and kind deprecated or removed since
// Kubernetes 1.16, from the Kubernetes deprecated API migration guide. An
// API version is listed per kind: a group version can be removed for some
// kinds and reintroduced for others (admissionregistration.k8s.io/v1beta1
// webhooks were removed in 1.22, its ValidatingAdmissionPolicy arrived in
// 1.28).
var apiChanges = []apiChange{
	// Removed in 1.16.
	{"extensions/v1beta1", "Deployment", 9, 16, appsV1},
	{"extensions/v1beta1", "DaemonSet", 9, 16, appsV1},
	{"extensions/v1beta1", "ReplicaSet", 9, 16, appsV1},
	{"extensions/v1beta1", "NetworkPolicy", 9, 16, networkingV1},
	{"extensions/v1beta1", "PodSecurityPolicy", 10, 16, podSecurity},
	{"apps/v1beta1", "Deployment", 9, 16, appsV1},
	{"apps/v1beta1", "StatefulSet", 9, 16, appsV1},
	{"apps/v1beta1", "ControllerRevision", 9, 16, appsV1},
	{"apps/v1beta2", "Deployment", 9, 16, appsV1},
	{"apps/v1beta2", "StatefulSet", 9, 16, appsV1},
	{"apps/v1beta2", "DaemonSet", 9, 16, appsV1},
	{"apps/v1beta2", "ReplicaSet", 9, 16, appsV1},
	{"apps/v1beta2", "ControllerRevision", 9, 16, appsV1},

	// Removed in 1.22.
	{"extensions/v1beta1", "Ingress", 14, 22, ingressV1},
	{"networking.k8s.io/v1beta1", "Ingress", 19, 22, ingressV1},
	{"networking.k8s.io/v1beta1", "IngressClass", 19, 22, replacedBy("networking.k8s.io/v1", 19)},
	{"admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 16, 22, admissionV1},
	{"admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 16, 22, admissionV1},
	{"apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 16, 22, apiextensionV1},
	{"apiregistration.k8s.io/v1beta1", "APIService", 19, 22, replacedBy("apiregistration.k8s.io/v1", 10)},
	{"authentication.k8s.io/v1beta1", "TokenReview", 19, 22, replacedBy("authentication.k8s.io/v1", 6)},
	{"authorization.k8s.io/v1beta1", "SubjectAccessReview", 19, 22, replacedBy("authorization.k8s.io/v1", 6)},
	{"authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 19, 22, replacedBy("authorization.k8s.io/v1", 6)},
	{"authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 19, 22, replacedBy("authorization.k8s.io/v1", 6)},
	{"authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 19, 22, replacedBy("authorization.k8s.io/v1", 8)},
	{"certificates.k8s.io/v1beta1", "CertificateSigningRequest", 19, 22, replacedBy("certificates.k8s.io/v1", 19)},
	{"coordination.k8s.io/v1beta1", "Lease", 19, 22, replacedBy("coordination.k8s.io/v1", 14)},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRole", 17, 22, rbacV1},
	{"rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 17, 22, rbacV1},
	{"rbac.authorization.k8s.io/v1beta1", "Role", 17, 22, rbacV1},
	{"rbac.authorization.k8s.io/v1beta1", "RoleBinding", 17, 22, rbacV1},
	{"scheduling.k8s.io/v1beta1", "PriorityClass", 14, 22, replacedBy("scheduling.k8s.io/v1", 14)},
	{"storage.k8s.io/v1beta1", "CSIDriver", 19, 22, replacedBy("storage.k8s.io/v1", 18)},
	{"storage.k8s.io/v1beta1", "CSINode", 19, 22, replacedBy("storage.k8s.io/v1", 17)},
	{"storage.k8s.io/v1beta1", "StorageClass", 19, 22, storageV1},
	{"storage.k8s.io/v1beta1", "VolumeAttachment", 19, 22, storageV1},

	// Removed in 1.25.
	{"batch/v1beta1", "CronJob", 21, 25, replacedBy("batch/v1", 21)},
	{"discovery.k8s.io/v1beta1", "EndpointSlice", 21, 25, replacedBy("discovery.k8s.io/v1", 21)},
	{"events.k8s.io/v1beta1", "Event", 19, 25, replacedBy("events.k8s.io/v1", 19)},
	{"autoscaling/v2beta1", "HorizontalPodAutoscaler", 23, 25, hpaV2},
	{"policy/v1beta1", "PodDisruptionBudget", 21, 25, replacedBy("policy/v1", 21)},
	{"policy/v1beta1", "PodSecurityPolicy", 21, 25, podSecurity},
	{"node.k8s.io/v1beta1", "RuntimeClass", 20, 25, replacedBy("node.k8s.io/v1", 20)},

	// Removed in 1.26.
	{"flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 23, 26, flowcontrolV1},
	{"flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 23, 26, flowcontrolV1},
	{"autoscaling/v2beta2", "HorizontalPodAutoscaler", 23, 26, hpaV2},

	// Removed in 1.27.
	{"storage.k8s.io/v1beta1", "CSIStorageCapacity", 24, 27, replacedBy("storage.k8s.io/v1", 24)},

	// Removed in 1.29.
	{"flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema", 26, 29, flowcontrolV1},
	{"flowcontrol.apiserver.k8s.io/v1beta2", "PriorityLevelConfiguration", 26, 29, flowcontrolV1},

	// Removed in 1.31: the first dynamic resource allocation API (alpha, so
	// without a deprecation period), replaced by structured parameters.
	{"resource.k8s.io/v1alpha2", "ResourceClaim", 31, 31, resourceV1},
	{"resource.k8s.io/v1alpha2", "ResourceClaimTemplate", 31, 31, resourceV1},
	{"resource.k8s.io/v1alpha2", "ResourceClass", 31, 31, deviceClassV1},

	// Removed in 1.32.
	{"flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema", 29, 32, flowcontrolV1},
	{"flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration", 29, 32, flowcontrolV1},

	// Deprecated, no removal scheduled.
	{"v1", "Endpoints", 33, 0, replacedBy("discovery.k8s.io/v1 EndpointSlice", 21)},
}

// apiChangeIndex indexes apiChanges by API version and kind.
var apiChangeIndex = func() map[[2]string]apiChange {
	m := make(map[[2]string]apiChange, len(apiChanges))
	for _, c := range apiChanges {
		m[[2]string{c.apiVersion, c.kind}] = c
	}
	return m
}()

// lookupAPIChange returns the deprecation of an object's API version and
// kind, if any.
func lookupAPIChange(apiVersion, kind string) (apiChange, bool) {
	c, ok := apiChangeIndex[[2]string{strings.TrimSpace(apiVersion), kind}]
	return c, ok
}
