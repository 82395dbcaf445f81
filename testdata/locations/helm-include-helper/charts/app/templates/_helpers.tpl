{{- define "app.securityContext" -}}
runAsNonRoot: true
readOnlyRootFilesystem: true
privileged: true
{{- end }}
