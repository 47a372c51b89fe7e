package scenario

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// Marshal writes sc in the scenario format, as Parse reads it.
func Marshal(sc Scenario) ([]byte, error) {
	for i, st := range sc.Steps {
		if st.Action() == "" {
			return nil, fmt.Errorf("cannot write step %d: it has no action", i+1)
		}
	}
	return yaml.Marshal(sc)
}

// MarshalYAML writes a short purchase on one line, a long one as a block.
func (a AuthInput) MarshalYAML() (any, error) {
	type fields AuthInput // the same tags, without this method
	var n yaml.Node
	if err := n.Encode(fields(a)); err != nil {
		return nil, err
	}
	if len(n.Content) <= 12 { // six keys
		n.Style = yaml.FlowStyle
	}
	return &n, nil
}
