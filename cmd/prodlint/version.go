package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// Set by the release build with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// fallbackKubeVersion is used when the build carries no module information
// (it matches the k8s.io/api version in go.mod; a test keeps them in step).
const fallbackKubeVersion = "1.37"

// buildVersion returns version, commit and date, from the release ldflags or
// from the Go build information (go install module@version).
func buildVersion() (v, c, d string) {
	v, c, d = version, commit, date
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return orDefault(v, "(devel)"), orDefault(c, "unknown"), orDefault(d, "unknown")
	}
	if v == "" && bi.Main.Version != "" {
		v = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			if c == "" {
				c = s.Value
			}
		case "vcs.time":
			if d == "" {
				d = s.Value
			}
		}
	}
	return orDefault(v, "(devel)"), orDefault(c, "unknown"), orDefault(d, "unknown")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// defaultKubeVersion is the newest Kubernetes minor that the linked
// k8s.io/api knows: v0.37.x serves Kubernetes 1.37.
func defaultKubeVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path == "k8s.io/api" {
				if kv, ok := kubeFromAPIModule(m.Version); ok {
					return kv
				}
			}
		}
	}
	return fallbackKubeVersion
}

// kubeFromAPIModule maps a k8s.io/api module version (v0.37.2) to the
// Kubernetes minor (1.37).
func kubeFromAPIModule(v string) (string, bool) {
	parts := strings.Split(strings.TrimPrefix(v, "v"), ".")
	if len(parts) < 2 || parts[0] != "0" {
		return "", false
	}
	var minor int
	if _, err := fmt.Sscan(parts[1], &minor); err != nil || minor < 1 {
		return "", false
	}
	return fmt.Sprintf("1.%d", minor), true
}
