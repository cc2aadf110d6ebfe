package conformance

// requestBodyRule maps a body rule found in a request body to its request
// rule.
var requestBodyRule = map[Rule]Rule{
	RuleBodyJSON:         RuleRequestBodyJSON,
	RuleBodyLimit:        RuleRequestBodyLimit,
	RuleBodyDepth:        RuleRequestBodyDepth,
	RuleBodyType:         RuleRequestBodyType,
	RuleBodyRequired:     RuleRequestBodyRequired,
	RuleBodyFormat:       RuleRequestBodyFormat,
	RuleBodyEnum:         RuleRequestBodyEnum,
	RuleBodyUndocumented: RuleRequestBodyUndocumented,
	RuleBodyAdditional:   RuleRequestBodyAdditional,
	RuleBodyConstraint:   RuleRequestBodyConstraint,
	RuleBodyDuplicate:    RuleRequestBodyDuplicate,
	RuleBodyBudget:       RuleRequestBodyBudget,
}
