package gongsim

import (
	"strconv"
	"strings"
)

// Templates: literal text with {slot} placeholders, parsed once at init.

const (
	slotNone uint8 = iota
	slotProd
	slotPct
	slotN
	slotTool
	slotIndustry
	slotMonth
	slotTeam
	slotCust
	slotCustLast
	slotCo
	slotDay
	slotDept
	slotKW
	slotAcct
	slotHost
	slotComp
	slotMention
	slotNum
)

var slotNames = map[string]uint8{
	"prod": slotProd, "pct": slotPct, "n": slotN, "tool": slotTool, "industry": slotIndustry,
	"month": slotMonth, "team": slotTeam, "cust": slotCust, "custlast": slotCustLast, "co": slotCo,
	"day": slotDay, "dept": slotDept, "kw": slotKW, "acct": slotAcct, "host": slotHost, "comp": slotComp,
	"mention": slotMention, "num": slotNum,
}

type seg struct {
	lit  string
	slot uint8
}

type tmpl []seg

func compile(s string) tmpl {
	var t tmpl
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			t = append(t, seg{lit: s})
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			panic("gongsim: bad template " + s)
		}
		name := s[i+1 : i+j]
		sl, ok := slotNames[name]
		if !ok {
			panic("gongsim: unknown slot {" + name + "} in " + s)
		}
		if i > 0 {
			t = append(t, seg{lit: s[:i]})
		}
		t = append(t, seg{slot: sl})
		s = s[i+j+1:]
	}
	return t
}

func compileAll(xs []string) []tmpl {
	out := make([]tmpl, len(xs))
	for i, x := range xs {
		out[i] = compile(x)
	}
	return out
}

var (
	tSellerBodies    = compileAll(sellerBodies)
	tBuyerBodies     = compileAll(buyerBodies)
	tGenericBodies   = compileAll(genericBodies)
	tSellerQuestions = compileAll(sellerQuestions)
	tBuyerQuestions  = compileAll(buyerQuestions)
	tKWStatements    = compileAll(kwStatements)
	tKWQuestions     = compileAll(kwQuestions)
	tBriefs          = compileAll(briefTemplates)
	tOutlineItems    = compileAll(outlineItems)
	tHighlightItems  = compileAll(highlightItems)
	tKeyPoints       = compileAll(keyPointTexts)
	tComments        = compileAll(commentTexts)
	tConfTitles      = compileAll(conferenceTitles)
	tOutboundTitles  = compileAll(outboundTitles)
	tInboundTitles   = compileAll(inboundTitles)
	tInternalTitles  = compileAll(internalTitles)
	tSmart           = func() [][]tmpl {
		out := make([][]tmpl, len(smartTrackers))
		for i, st := range smartTrackers {
			out[i] = compileAll(st.texts)
		}
		return out
	}()
)

// textCtx holds the per-call values templates refer to.
type textCtx struct {
	acct, co, prod, host, cust, custLast, industry, mention string
	kw                                                      string
}

func (t tmpl) appendTo(b []byte, c *textCtx, r *rng) []byte {
	for _, sg := range t {
		switch sg.slot {
		case slotNone:
			b = append(b, sg.lit...)
		case slotProd:
			b = append(b, c.prod...)
		case slotPct:
			b = strconv.AppendInt(b, int64(r.between(5, 45)), 10)
		case slotN:
			b = strconv.AppendInt(b, int64(r.between(2, 12)), 10)
		case slotNum:
			b = strconv.AppendInt(b, int64(r.between(2, 50)*5), 10)
		case slotTool:
			b = append(b, pick(r, tools)...)
		case slotIndustry:
			b = append(b, c.industry...)
		case slotMonth:
			b = append(b, pick(r, months)...)
		case slotTeam:
			b = append(b, pick(r, departments)...)
		case slotCust:
			b = append(b, c.cust...)
		case slotCustLast:
			b = append(b, c.custLast...)
		case slotCo:
			b = append(b, c.co...)
		case slotDay:
			b = append(b, pick(r, weekdays)...)
		case slotDept:
			b = append(b, pick(r, departments)...)
		case slotKW:
			b = append(b, c.kw...)
		case slotAcct:
			b = append(b, c.acct...)
		case slotHost:
			b = append(b, c.host...)
		case slotComp:
			b = append(b, pick(r, competitors)...)
		case slotMention:
			b = append(b, c.mention...)
		}
	}
	return b
}

func (t tmpl) render(c *textCtx, r *rng) string { return string(t.appendTo(nil, c, r)) }

func capitalizeAt(b []byte, i int) {
	if i < len(b) && b[i] >= 'a' && b[i] <= 'z' {
		b[i] -= 'a' - 'A'
	}
}

// Sentence kinds of the transcript skeleton.
const (
	kStatement uint8 = iota
	kBackchannel
	kQuestion
	kKeyword
	kKeywordQuestion
	kSmart
)

// appendSentence writes the text of one sentence (no quotes, JSON-safe).
func appendSentence(b []byte, kind uint8, seller bool, tracker, phrase int8, c *textCtx, r *rng) []byte {
	start := len(b)
	switch kind {
	case kBackchannel:
		return append(b, pick(r, backchannels)...)
	case kQuestion:
		if seller {
			b = pick(r, tSellerQuestions).appendTo(b, c, r)
		} else {
			b = pick(r, tBuyerQuestions).appendTo(b, c, r)
		}
		return b
	case kKeywordQuestion:
		c.kw = keywordTrackers[tracker].phrases[phrase]
		b = pick(r, tKWQuestions).appendTo(b, c, r)
		capitalizeAt(b, start)
		return b
	case kSmart:
		return pick(r, tSmart[tracker]).appendTo(b, c, r)
	}
	b = append(b, pick(r, openers)...)
	bodyAt := len(b)
	if kind == kKeyword {
		c.kw = keywordTrackers[tracker].phrases[phrase]
		b = pick(r, tKWStatements).appendTo(b, c, r)
	} else {
		switch x := r.intn(10); {
		case x < 2:
			b = pick(r, tGenericBodies).appendTo(b, c, r)
		case seller:
			b = pick(r, tSellerBodies).appendTo(b, c, r)
		default:
			b = pick(r, tBuyerBodies).appendTo(b, c, r)
		}
	}
	if bodyAt == start {
		capitalizeAt(b, start)
	}
	b = append(b, pick(r, tails)...)
	return append(b, '.')
}
