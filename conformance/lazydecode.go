package conformance

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// The decoders below read an operation's parts into kin-openapi's types
// in one pass over their bytes. kin-openapi's own UnmarshalJSON decodes
// every schema twice (once into the struct, once into a map of all its
// keys) and again at every level of nesting, which costs a large
// document's deep inline schemas far more than their size. What the
// decoders do not know (a keyword outside OpenAPI 3.0's Schema Object, a
// boolean schema) is handed to kin-openapi's decoding, so the values are
// the same either way, but for what judging never reads and a large
// document has much of: a schema's title, description and extensions
// are not kept.

// errDecodeByKin: decode this value with kin-openapi's UnmarshalJSON.
var errDecodeByKin = errors.New("decode by kin-openapi")

func decodeSchemaRef(data []byte) (*openapi3.SchemaRef, error) {
	w := &jwalk{data: data}
	r, _, err := w.schemaRef(w.ws(0))
	return r, err
}

// schemaRef decodes the schema or reference at at, in one pass over its
// bytes, and returns where it ends.
func (w *jwalk) schemaRef(at int) (*openapi3.SchemaRef, int, error) {
	if w.byteAt(at) == '{' {
		s, ref, end, err := w.schema(at)
		switch {
		case err == nil && ref != "":
			return &openapi3.SchemaRef{Ref: ref}, end, nil
		case err == nil:
			return &openapi3.SchemaRef{Value: s}, end, nil
		} // else kin-openapi decodes it, and says what is wrong, if anything
	}
	v, err := w.value(at)
	if err != nil {
		return nil, 0, err
	}
	r := &openapi3.SchemaRef{}
	if err := json.Unmarshal(w.data[v.start:v.end], r); err != nil {
		return nil, 0, err
	}
	return r, v.end, nil
}

// schema decodes the Schema Object at at; ref is its $ref when it has one.
func (w *jwalk) schema(at int) (s *openapi3.Schema, ref string, end int, err error) {
	s = &openapi3.Schema{}
	end, err = w.members(at, func(k string, at int) (int, error) {
		switch k {
		case "properties":
			if w.byteAt(at) != '{' {
				return 0, errDecodeByKin
			}
			s.Properties = openapi3.Schemas{}
			return w.members(at, func(name string, at int) (int, error) {
				r, end, err := w.schemaRef(at)
				s.Properties[name] = r
				return end, err
			})
		case "items", "not":
			r, end, err := w.schemaRef(at)
			if k == "items" {
				s.Items = r
			} else {
				s.Not = r
			}
			return end, err
		case "additionalProperties":
			if c := w.byteAt(at); c == '{' {
				r, end, err := w.schemaRef(at)
				s.AdditionalProperties.Schema = r
				return end, err
			}
		case "allOf", "anyOf", "oneOf":
			if w.byteAt(at) != '[' {
				return 0, errDecodeByKin
			}
			var list openapi3.SchemaRefs
			end, err := w.elementsFrom(at, func(at int) (int, error) {
				r, end, err := w.schemaRef(at)
				list = append(list, r)
				return end, err
			})
			switch k {
			case "allOf":
				s.AllOf = list
			case "anyOf":
				s.AnyOf = list
			default:
				s.OneOf = list
			}
			return end, err
		}
		v, err := w.value(at)
		if err != nil {
			return 0, err
		}
		raw := w.data[v.start:v.end]
		c := w.byteAt(v.start)
		switch k {
		case "$ref":
			ref, err = w.strOf(v)
		case "additionalProperties":
			var b bool
			b, err = boolOf(c)
			s.AdditionalProperties.Has = &b
		case "type":
			if t := sharedTypes[string(raw)]; t != nil {
				s.Type = t
			} else if c == '"' {
				t, _ := w.str(v)
				s.Type = &openapi3.Types{t}
			} else {
				var ts openapi3.Types
				err = json.Unmarshal(raw, &ts)
				s.Type = &ts
			}
		case "format":
			s.Format, err = w.strOf(v)
		case "pattern":
			s.Pattern, err = w.strOf(v)
		case "title", "description":
			if c != '"' {
				return 0, errDecodeByKin
			}
		case "nullable":
			s.Nullable, err = boolOf(c)
		case "readOnly":
			s.ReadOnly, err = boolOf(c)
		case "writeOnly":
			s.WriteOnly, err = boolOf(c)
		case "uniqueItems":
			s.UniqueItems, err = boolOf(c)
		case "deprecated":
			s.Deprecated, err = boolOf(c)
		case "allowEmptyValue":
			s.AllowEmptyValue, err = boolOf(c)
		case "exclusiveMinimum", "exclusiveMaximum":
			b, e := boolOf(c)
			if e != nil {
				return 0, errDecodeByKin // a number: JSON Schema 2020-12's reading
			}
			if k == "exclusiveMinimum" {
				s.ExclusiveMin = openapi3.ExclusiveBound{Bool: &b}
			} else {
				s.ExclusiveMax = openapi3.ExclusiveBound{Bool: &b}
			}
		case "minimum":
			s.Min, err = floatOf(raw)
		case "maximum":
			s.Max, err = floatOf(raw)
		case "multipleOf":
			s.MultipleOf, err = floatOf(raw)
		case "minLength":
			err = json.Unmarshal(raw, &s.MinLength)
		case "minItems":
			err = json.Unmarshal(raw, &s.MinItems)
		case "minProperties":
			err = json.Unmarshal(raw, &s.MinProps)
		case "maxLength":
			err = json.Unmarshal(raw, &s.MaxLength)
		case "maxItems":
			err = json.Unmarshal(raw, &s.MaxItems)
		case "maxProperties":
			err = json.Unmarshal(raw, &s.MaxProps)
		case "required":
			err = json.Unmarshal(raw, &s.Required)
		case "enum":
			err = json.Unmarshal(raw, &s.Enum)
		case "default":
			err = json.Unmarshal(raw, &s.Default)
		case "example":
			err = json.Unmarshal(raw, &s.Example)
		case "discriminator":
			err = json.Unmarshal(raw, &s.Discriminator)
		case "externalDocs":
			err = json.Unmarshal(raw, &s.ExternalDocs)
		case "xml":
			err = json.Unmarshal(raw, &s.XML)
		default:
			if len(k) < 2 || k[:2] != "x-" {
				return 0, errDecodeByKin
			}
		}
		return v.end, err
	})
	return s, ref, end, err
}

// sharedTypes holds one value of each type a schema names alone, by its
// JSON text: the schemas that name it share it (nothing changes a schema's
// type once it is decoded).
var sharedTypes = func() map[string]*openapi3.Types {
	m := map[string]*openapi3.Types{}
	for _, t := range []string{openapi3.TypeArray, openapi3.TypeBoolean, openapi3.TypeInteger, openapi3.TypeNumber,
		openapi3.TypeObject, openapi3.TypeString, openapi3.TypeNull} {
		m[strconv.Quote(t)] = &openapi3.Types{t}
	}
	return m
}()

func (w *jwalk) strOf(v span) (string, error) {
	s, ok := w.str(v)
	if !ok {
		return "", errDecodeByKin
	}
	return s, nil
}

func boolOf(c byte) (bool, error) {
	switch c {
	case 't':
		return true, nil
	case 'f':
		return false, nil
	}
	return false, errDecodeByKin
}

func floatOf(raw []byte) (*float64, error) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return nil, errDecodeByKin
	}
	return &f, nil
}

// The containers of schemas are read into mirrors of kin-openapi's types
// whose schemas stay bytes, then assembled.

type rawSchema = json.RawMessage

type paramMirror struct {
	Ref             string               `json:"$ref"`
	Name            string               `json:"name"`
	In              string               `json:"in"`
	Description     string               `json:"description"`
	Style           string               `json:"style"`
	Explode         *bool                `json:"explode"`
	AllowEmptyValue bool                 `json:"allowEmptyValue"`
	AllowReserved   bool                 `json:"allowReserved"`
	Deprecated      bool                 `json:"deprecated"`
	Required        bool                 `json:"required"`
	Schema          rawSchema            `json:"schema"`
	Content         map[string]rawSchema `json:"content"`
	Example         any                  `json:"example"`
}

func (m *paramMirror) parameter() (*openapi3.Parameter, error) {
	p := &openapi3.Parameter{Name: m.Name, In: m.In, Description: m.Description, Style: m.Style, Explode: m.Explode,
		AllowEmptyValue: m.AllowEmptyValue, AllowReserved: m.AllowReserved, Deprecated: m.Deprecated, Required: m.Required, Example: m.Example}
	var err error
	if m.Schema != nil {
		if p.Schema, err = decodeSchemaRef(m.Schema); err != nil {
			return nil, err
		}
	}
	p.Content, err = decodeContent(m.Content)
	return p, err
}

func decodeParameterRef(raw []byte) (*openapi3.ParameterRef, error) {
	var m paramMirror
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Ref != "" {
		return &openapi3.ParameterRef{Ref: m.Ref}, nil
	}
	p, err := m.parameter()
	return &openapi3.ParameterRef{Value: p}, err
}

func decodeParameters(raw []byte) (openapi3.Parameters, error) {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, err
	}
	out := make(openapi3.Parameters, 0, len(list))
	for _, r := range list {
		p, err := decodeParameterRef(r)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

type mediaMirror struct {
	Schema  rawSchema `json:"schema"`
	Example any       `json:"example"`
}

func decodeContent(c map[string]rawSchema) (openapi3.Content, error) {
	if c == nil {
		return nil, nil
	}
	out := make(openapi3.Content, len(c))
	for name, raw := range c {
		var m mediaMirror
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		mt := &openapi3.MediaType{Example: m.Example}
		if m.Schema != nil {
			s, err := decodeSchemaRef(m.Schema)
			if err != nil {
				return nil, err
			}
			mt.Schema = s
		}
		out[name] = mt
	}
	return out, nil
}

type bodyMirror struct {
	Ref         string               `json:"$ref"`
	Description string               `json:"description"`
	Required    bool                 `json:"required"`
	Content     map[string]rawSchema `json:"content"`
}

func decodeRequestBodyRef(raw []byte) (*openapi3.RequestBodyRef, error) {
	var m bodyMirror
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Ref != "" {
		return &openapi3.RequestBodyRef{Ref: m.Ref}, nil
	}
	c, err := decodeContent(m.Content)
	return &openapi3.RequestBodyRef{Value: &openapi3.RequestBody{Description: m.Description, Required: m.Required, Content: c}}, err
}

type responseMirror struct {
	Ref         string               `json:"$ref"`
	Description *string              `json:"description"`
	Headers     map[string]rawSchema `json:"headers"`
	Content     map[string]rawSchema `json:"content"`
}

func decodeResponseRef(raw []byte) (*openapi3.ResponseRef, error) {
	var m responseMirror
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Ref != "" {
		return &openapi3.ResponseRef{Ref: m.Ref}, nil
	}
	r := &openapi3.Response{Description: m.Description}
	var err error
	if r.Content, err = decodeContent(m.Content); err != nil {
		return nil, err
	}
	if m.Headers != nil {
		r.Headers = make(openapi3.Headers, len(m.Headers))
		for name, raw := range m.Headers {
			h, err := decodeHeaderRef(raw)
			if err != nil {
				return nil, err
			}
			r.Headers[name] = h
		}
	}
	return &openapi3.ResponseRef{Value: r}, nil
}

func decodeHeaderRef(raw []byte) (*openapi3.HeaderRef, error) {
	var m paramMirror
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	if m.Ref != "" {
		return &openapi3.HeaderRef{Ref: m.Ref}, nil
	}
	p, err := m.parameter()
	if err != nil {
		return nil, err
	}
	return &openapi3.HeaderRef{Value: &openapi3.Header{Parameter: *p}}, nil
}

type operationMirror struct {
	OperationID string                         `json:"operationId"`
	Parameters  json.RawMessage                `json:"parameters"`
	RequestBody json.RawMessage                `json:"requestBody"`
	Responses   map[string]json.RawMessage     `json:"responses"`
	Security    *openapi3.SecurityRequirements `json:"security"`
	Deprecated  bool                           `json:"deprecated"`
}

// decodeOperation reads what judging needs of an operation: its
// parameters, request body, responses and security requirements.
func decodeOperation(raw []byte) (*openapi3.Operation, error) {
	var m operationMirror
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	op := &openapi3.Operation{OperationID: m.OperationID, Security: m.Security, Deprecated: m.Deprecated}
	var err error
	if m.Parameters != nil && string(m.Parameters) != "null" {
		if op.Parameters, err = decodeParameters(m.Parameters); err != nil {
			return nil, err
		}
	}
	if m.RequestBody != nil && string(m.RequestBody) != "null" {
		if op.RequestBody, err = decodeRequestBodyRef(m.RequestBody); err != nil {
			return nil, err
		}
	}
	if m.Responses != nil {
		op.Responses = openapi3.NewResponsesWithCapacity(len(m.Responses))
		for code, raw := range m.Responses {
			if len(code) > 1 && code[:2] == "x-" {
				continue
			}
			r, err := decodeResponseRef(raw)
			if err != nil {
				return nil, err
			}
			op.Responses.Set(code, r)
		}
	}
	return op, nil
}
