package mock

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The required lists and types come from the generated request types, so
// they follow the spec; this pins what the spec says today.
func TestFieldsOfGeneratedTypes(t *testing.T) {
	t.Parallel()
	required := func(fs []bodyField) (names []string) {
		for _, f := range fs {
			assert.True(t, f.str, "%s is a string in the spec", f.name)
			if f.required {
				names = append(names, f.name)
			}
		}
		return names
	}
	assert.ElementsMatch(t, []string{"name", "targetUrl", "resource", "event"}, required(createFields))
	assert.ElementsMatch(t, []string{"name", "targetUrl"}, required(updateFields))
	assert.Len(t, createFields, 7)
	assert.Len(t, updateFields, 5)
}

func TestDecodeBodyNonStringField(t *testing.T) {
	t.Parallel()
	type withCount struct {
		Name  string `json:"name"`
		Count *int   `json:"count,omitempty"`
	}
	var dst withCount
	p := decodeBody([]byte(`{"name":"a","count":"x"}`), fieldsOf(withCount{}), &dst)
	assert.Equal(t, problems{"count must be of type int"}, p)
	p = decodeBody([]byte(`{"name":"a","count":3}`), fieldsOf(withCount{}), &dst)
	assert.Empty(t, p)
	assert.Equal(t, 3, *dst.Count)
}
