package lint

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/prodlint/prodlint/render"
)

// serviceTargetPortNotDeclared reports Service ports whose targetPort is a
// name that no container of the pods the Service selects (in the render)
// declares. Numeric target ports are not checked: a container need not
// declare the ports it listens on.
var _ = Register(&Rule{
	ID:       "service-target-port-not-declared",
	Severity: Warning,
	Summary:  "Service targetPort names a port the pods do not declare",
	Rationale: "A named `targetPort` is resolved in the `ports` of each selected pod's " +
		"containers. When none declares that name, the Service has no endpoints for the port: " +
		"clients time out although the pods are ready. It usually follows a port renamed in " +
		"the workload only.",
	Remediation: "Use a port name that the selected containers declare, or the port number.\n\n" +
		"```yaml\n" +
		"# Service\n" +
		"ports:\n" +
		"  - port: 80\n" +
		"    targetPort: http\n" +
		"# Deployment container\n" +
		"ports:\n" +
		"  - name: http\n" +
		"    containerPort: 8080\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		svc, sel, ok := serviceSelector(p.Object)
		if !ok {
			return
		}
		selected := indexOf(p.Objects).selecting(p.Object.Namespace, sel)
		if len(selected) == 0 {
			return
		}
		names := map[string]bool{}
		for _, w := range selected {
			for _, c := range w.Pod.Containers() {
				for _, port := range c.Ports {
					names[port.Name] = true
				}
			}
		}
		for i, sp := range svc.Spec.Ports {
			if sp.TargetPort.Type != intstr.String || sp.TargetPort.StrVal == "" || allDigits(sp.TargetPort.StrVal) || names[sp.TargetPort.StrVal] {
				continue
			}
			path := render.Path{}.Key("spec").Key("ports").Index(i).Key("targetPort")
			p.Report(path, "targetPort %q is not a port name of the pods the Service selects; name the container port or use its number", sp.TargetPort.StrVal)
		}
	},
})
