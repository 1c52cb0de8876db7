//go:build tools

// Pins the Pulumi YAML language host's module; scripts/toolchain.sh builds its cmd/pulumi-language-yaml.
package tools

import _ "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
