package lint

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"

	"github.com/prodlint/prodlint/render"
)

// ingressBackend is a Service backend of an Ingress.
type ingressBackend struct {
	service string
	// port is the port name or number ("" when not set).
	port string
	// path is the path of the service name, portPath of the port.
	path, portPath render.Path
}

// ingressBackends returns the Service backends of an Ingress, in the
// networking.k8s.io/v1 shape (service.name, service.port.name|number) and
// the older one (serviceName, servicePort).
func ingressBackends(o *render.Object) []ingressBackend {
	var out []ingressBackend
	add := func(b map[string]any, base render.Path) {
		if b == nil {
			return
		}
		if svc, ok := b["service"].(map[string]any); ok {
			name, _ := svc["name"].(string)
			be := ingressBackend{service: name, path: base.Key("service").Key("name")}
			if port, ok := svc["port"].(map[string]any); ok {
				if n, ok := port["name"].(string); ok && n != "" {
					be.port, be.portPath = n, base.Key("service").Key("port").Key("name")
				} else if n, ok := rawInt(port["number"]); ok {
					be.port, be.portPath = strconv.FormatInt(n, 10), base.Key("service").Key("port").Key("number")
				}
			}
			if name != "" {
				out = append(out, be)
			}
			return
		}
		if name, ok := b["serviceName"].(string); ok && name != "" {
			be := ingressBackend{service: name, path: base.Key("serviceName"), portPath: base.Key("servicePort")}
			switch v := b["servicePort"].(type) {
			case string:
				be.port = v
			default:
				if n, ok := rawInt(v); ok {
					be.port = strconv.FormatInt(n, 10)
				}
			}
			out = append(out, be)
		}
	}
	spec, _ := o.Raw["spec"].(map[string]any)
	if spec == nil {
		return nil
	}
	specPath := render.Path{}.Key("spec")
	for _, k := range []string{"defaultBackend", "backend"} {
		b, _ := spec[k].(map[string]any)
		add(b, specPath.Key(k))
	}
	rules, _ := spec["rules"].([]any)
	for i, r := range rules {
		paths, _ := rawAt(asMap(r), "http", "paths").([]any)
		for j, pth := range paths {
			b, _ := asMap(pth)["backend"].(map[string]any)
			add(b, specPath.Key("rules").Index(i).Key("http").Key("paths").Index(j).Key("backend"))
		}
	}
	return out
}

// asMap returns v as a mapping, or nil.
func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// ingressBackendMissing reports Ingress backends naming a Service that is
// not in the render, or a port that Service does not have, when the render
// holds Services in the Ingress's namespace (so that an Ingress rendered
// apart from its Services is not reported).
var _ = Register(&Rule{
	ID:       "ingress-backend-missing",
	Severity: Warning,
	Summary:  "Ingress routes to a Service or port that is not in the render",
	Rationale: "An Ingress backend that names no existing Service, or a port the Service does " +
		"not have, answers 503 for its paths: the Ingress exists, DNS and TLS work, and the " +
		"traffic goes nowhere. It usually follows a Service rename or a Helm fullname that the " +
		"Ingress template builds differently.",
	Remediation: "Name the Service (and one of its ports, by name or number) exactly as the " +
		"Service defines them.\n\n" +
		"```yaml\n" +
		"backend:\n" +
		"  service:\n" +
		"    name: web\n" +
		"    port:\n" +
		"      name: http\n" +
		"```",
	Tags: []string{"reliability", "correctness"},
	Check: func(p *Pass) {
		o := p.Object
		if !isIngress(o) {
			return
		}
		services := false
		for _, x := range p.Objects {
			services = services || x.Kind == "Service" && x.APIVersion == "v1" && sameNamespaceStrict(x.Namespace, o.Namespace)
		}
		if !services {
			return
		}
		for _, b := range ingressBackends(o) {
			svcObj := findObject(p.Objects, "", "Service", o.Namespace, b.service)
			if svcObj == nil {
				p.Report(b.path, "backend Service %s is not in the render; name an existing Service", b.service)
				continue
			}
			var svc corev1.Service
			if b.port == "" || !Decode(svcObj, &svc) || svc.Spec.Type == corev1.ServiceTypeExternalName {
				continue
			}
			found := false
			for _, sp := range svc.Spec.Ports {
				found = found || sp.Name == b.port || strconv.Itoa(int(sp.Port)) == b.port
			}
			if !found {
				p.Report(b.portPath, "backend port %s is not a port of Service %s; use one of the Service's ports", b.port, b.service)
			}
		}
	},
})
