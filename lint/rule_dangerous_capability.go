package lint

// dangerousCapabilities are the capabilities that break container isolation
// or give control over the node or its network, with the reason shown in the
// message. Names are in capName form.
var dangerousCapabilities = map[string]string{
	"ALL":                "every capability",
	"SYS_ADMIN":          "nearly root on the node",
	"SYS_MODULE":         "loads kernel modules",
	"SYS_RAWIO":          "raw access to devices and memory",
	"SYS_PTRACE":         "traces and injects into other processes",
	"SYS_BOOT":           "reboots the node",
	"SYS_TIME":           "sets the node clock",
	"NET_ADMIN":          "reconfigures the network",
	"NET_RAW":            "allows ARP and DNS spoofing",
	"DAC_READ_SEARCH":    "reads any file, a known container escape",
	"BPF":                "loads eBPF programs into the kernel",
	"PERFMON":            "reads kernel and process memory through perf",
	"MAC_ADMIN":          "changes the AppArmor or SELinux policy",
	"MAC_OVERRIDE":       "overrides the AppArmor or SELinux policy",
	"SYSLOG":             "reads kernel logs and addresses",
	"AUDIT_CONTROL":      "changes the kernel audit rules",
	"CHECKPOINT_RESTORE": "checkpoints and restores other processes",
}

// dangerousCapability reports each dangerous capability a container adds, at
// its entry in securityContext.capabilities.add. Names match with or
// without the CAP_ prefix, in any case, as container runtimes read them.
var _ = Register(&Rule{
	ID:       "dangerous-capability",
	Severity: Error,
	Summary:  "Container adds a dangerous Linux capability",
	Rationale: "Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE, DAC_READ_SEARCH, BPF or " +
		"NET_ADMIN let a process load kernel code, read any file, trace other processes or " +
		"rewrite the node's network: each is a documented path out of the container, and " +
		"none is allowed by the Kubernetes baseline Pod Security Standard.",
	Remediation: "Remove the capability from `capabilities.add`. If the workload really needs it " +
		"(a CNI plugin, a node monitoring agent), run it in a dedicated, restricted namespace " +
		"and suppress the finding there with a reason. Names are matched with or without the `CAP_` " +
		"prefix and in any case, as container runtimes read them.\n\n" +
		"```yaml\n" +
		"containers:\n" +
		"  - name: web\n" +
		"    securityContext:\n" +
		"      capabilities:\n" +
		"        drop: [ALL]\n" +
		"        add: [NET_BIND_SERVICE]\n" +
		"```",
	Tags:             []string{"security"},
	SecuritySeverity: 8.0,
	Check: func(p *Pass) {
		for _, c := range linuxContainers(p.Object) {
			add := securityContextPath(c).Key("capabilities").Key("add")
			for i, a := range capabilities(c).Add {
				name := capName(a)
				if why, ok := dangerousCapabilities[name]; ok {
					p.ReportContainer(c, add.Index(i), "capabilities.add includes %s (%s); remove it", name, why)
				}
			}
		}
	},
})
