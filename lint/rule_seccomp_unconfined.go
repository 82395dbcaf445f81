package lint

import (
	corev1 "k8s.io/api/core/v1"
)

// seccompUnconfined reports seccomp profiles of type Unconfined (field or
// deprecated annotation) that apply to at least one non-privileged
// container, once where they are written.
var _ = Register(&Rule{
	ID:       "seccomp-unconfined",
	Severity: Error,
	Summary:  "Container runs with seccomp Unconfined",
	Rationale: "`seccompProfile.type: Unconfined` switches system-call filtering off on purpose, " +
		"even on nodes whose kubelet applies the runtime's default profile to every pod: every " +
		"kernel entry point, including those behind most container escapes, becomes reachable. " +
		"The baseline Pod Security Standard forbids it.",
	Remediation: "Use `RuntimeDefault`, or a `Localhost` profile that allows the few extra system " +
		"calls the application needs. The deprecated annotation value `unconfined` is reported too; " +
		"privileged containers (which are never filtered) and Windows pods are skipped.\n\n" +
		"```yaml\n" +
		"securityContext:\n" +
		"  seccompProfile:\n" +
		"    type: Localhost\n" +
		"    localhostProfile: profiles/app.json\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 6.5,
	Check: func(p *Pass) {
		pt := linuxPod(p.Object)
		if pt == nil {
			return
		}
		settings := newSettingReporter(p)
		for _, c := range unprivileged(pt.Containers()) {
			s, ok := containerSeccomp(pt, c)
			if !ok || s.Type != corev1.SeccompProfileTypeUnconfined {
				continue
			}
			msg := "seccompProfile.type is Unconfined; use RuntimeDefault or a Localhost profile"
			if s.Annotation {
				msg = "the seccomp annotation is unconfined; remove it and set securityContext.seccompProfile.type: RuntimeDefault"
			}
			settings.report(c, s.Container, s.Path, "%s", msg)
		}
	},
})
