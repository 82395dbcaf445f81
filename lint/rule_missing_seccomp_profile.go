package lint

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// seccompSetting is the seccomp profile type that applies to a container
// and where it is set.
type seccompSetting struct {
	Type corev1.SeccompProfileType
	Path render.Path
	// Annotation is true for the deprecated seccomp annotations.
	Annotation bool
	// Container is true for a container's own setting.
	Container bool
}

// Deprecated seccomp annotations (before Kubernetes 1.19). The API server
// still copies them into the fields of pods that set no field.
const (
	seccompPodAnnotation       = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerAnnotation = "container.seccomp.security.alpha.kubernetes.io/"
)

// seccompAnnotationType converts a seccomp annotation value to a profile
// type ("" when unknown).
func seccompAnnotationType(v string) corev1.SeccompProfileType {
	switch v = strings.TrimSpace(v); {
	case v == "runtime/default" || v == "docker/default":
		return corev1.SeccompProfileTypeRuntimeDefault
	case strings.HasPrefix(v, "localhost/"):
		return corev1.SeccompProfileTypeLocalhost
	case v == "unconfined":
		return corev1.SeccompProfileTypeUnconfined
	}
	return ""
}

// annotationPath is the path of an annotation of the pod template.
func annotationPath(pt *PodTemplate, key string) render.Path {
	return pt.Template.Key("metadata").Key("annotations").Key(key)
}

// podSeccomp returns the pod-level seccomp setting: the field, else the
// annotation. ok is false when neither is set.
func podSeccomp(pt *PodTemplate) (seccompSetting, bool) {
	if sc := pt.Spec.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type != "" {
		return seccompSetting{Type: sc.SeccompProfile.Type, Path: pt.Path.Key("securityContext").Key("seccompProfile").Key("type")}, true
	}
	if t := seccompAnnotationType(pt.Annotations()[seccompPodAnnotation]); t != "" {
		return seccompSetting{Type: t, Path: annotationPath(pt, seccompPodAnnotation), Annotation: true}, true
	}
	return seccompSetting{}, false
}

// containerSeccomp returns the seccomp setting that applies to container c:
// its own field or annotation, else the pod's. ok is false when none is
// set.
func containerSeccomp(pt *PodTemplate, c Container) (seccompSetting, bool) {
	if sc := c.SecurityContext; sc != nil && sc.SeccompProfile != nil && sc.SeccompProfile.Type != "" {
		return seccompSetting{Type: sc.SeccompProfile.Type, Path: securityContextPath(c).Key("seccompProfile").Key("type"), Container: true}, true
	}
	if c.Name != "" {
		key := seccompContainerAnnotation + c.Name
		if t := seccompAnnotationType(pt.Annotations()[key]); t != "" {
			return seccompSetting{Type: t, Path: annotationPath(pt, key), Annotation: true, Container: true}, true
		}
	}
	return podSeccomp(pt)
}

// missingSeccompProfile reports containers to which no seccomp profile
// applies. When neither the pod nor any container sets one, the pod is
// reported once. Privileged containers are skipped: the runtime does not
// filter their system calls, and privileged-container reports them.
var _ = Register(&Rule{
	ID:       "missing-seccomp-profile",
	Severity: Warning,
	Summary:  "Pod does not set a seccomp profile",
	Rationale: "Unless the pod or the container sets `seccompProfile`, the kubelet runs the " +
		"container Unconfined (the kubelet's `seccompDefault` option is off by default): every " +
		"system call of the kernel is reachable, including the rarely used ones behind most " +
		"kernel privilege-escalation exploits. The runtime's default profile blocks them at no " +
		"cost for ordinary applications, and the restricted Pod Security Standard requires it.",
	Remediation: "Set `seccompProfile.type: RuntimeDefault` once in the pod `securityContext` (or a " +
		"`Localhost` profile tailored to the application). A container `securityContext` overrides the pod. " +
		"The deprecated `seccomp.security.alpha.kubernetes.io` annotations count; privileged containers " +
		"and Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"spec:\n" +
		"  securityContext:\n" +
		"    seccompProfile:\n" +
		"      type: RuntimeDefault\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 4.0,
	Check: func(p *Pass) {
		pt := linuxPod(p.Object)
		if pt == nil {
			return
		}
		checked := unprivileged(pt.Containers())
		var missing []Container
		for _, c := range checked {
			if _, ok := containerSeccomp(pt, c); !ok {
				missing = append(missing, c)
			}
		}
		if len(missing) == 0 {
			return
		}
		if len(missing) == len(checked) {
			p.Report(pt.Path.Key("securityContext").Key("seccompProfile"),
				"no seccomp profile is set for the pod or its containers; set securityContext.seccompProfile.type: RuntimeDefault on the pod")
			return
		}
		for _, c := range missing {
			p.ReportContainer(c, securityContextPath(c).Key("seccompProfile"),
				"securityContext.seccompProfile is not set here or on the pod; set seccompProfile.type: RuntimeDefault")
		}
	},
})
