package gongsim

// Vocabulary of the generated data. Every string here is plain printable
// ASCII without '"' or '\\' (checked in init), so generated text can be
// copied into JSON without escaping.

var firstNames = []string{
	"James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth",
	"William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
	"Christopher", "Lisa", "Daniel", "Nancy", "Matthew", "Betty", "Anthony", "Sandra", "Mark", "Margaret",
	"Steven", "Ashley", "Paul", "Kimberly", "Andrew", "Emily", "Joshua", "Donna", "Kenneth", "Michelle",
	"Kevin", "Carol", "Brian", "Amanda", "George", "Melissa", "Timothy", "Deborah", "Ronald", "Stephanie",
	"Jason", "Rebecca", "Edward", "Laura", "Jeffrey", "Sharon", "Ryan", "Cynthia", "Jacob", "Kathleen",
	"Gary", "Amy", "Nicholas", "Angela", "Eric", "Shirley", "Jonathan", "Brenda", "Stephen", "Emma",
	"Larry", "Anna", "Justin", "Pamela", "Scott", "Nicole", "Brandon", "Samantha", "Benjamin", "Katherine",
	"Samuel", "Christine", "Gregory", "Helen", "Alexander", "Debra", "Patrick", "Rachel", "Frank", "Carolyn",
	"Raymond", "Janet", "Jack", "Maria", "Dennis", "Olivia", "Jerry", "Heather", "Tyler", "Diane",
	"Priya", "Wei", "Carlos", "Sofia", "Mohammed", "Aisha", "Hiroshi", "Yuki", "Lucas", "Camila",
	"Mateo", "Valentina", "Arjun", "Ananya", "Noah", "Chloe", "Liam", "Zoe", "Omar", "Leila",
	"Ethan", "Grace", "Diego", "Isabella", "Marcus", "Hannah", "Felix", "Ingrid", "Tomas", "Elena",
}

var lastNames = []string{
	"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
	"Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
	"Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
	"Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
	"Patel", "Chen", "Kim", "Shah", "Singh", "Wang", "Kowalski", "Novak", "Schmidt", "Muller",
	"Rossi", "Ferrari", "Dubois", "Laurent", "Silva", "Santos", "Tanaka", "Sato", "Okafor", "Mensah",
	"Cohen", "Levi", "OBrien", "Murphy", "Kelly", "Sullivan", "Larsen", "Berg", "Lindqvist", "Jansen",
	"Reyes", "Cruz", "Morales", "Ortiz", "Gutierrez", "Chavez", "Ramos", "Ruiz", "Alvarez", "Mendoza",
	"Foster", "Hayes", "Bryant", "Griffin", "Wallace", "Cole", "West", "Jordan", "Reed", "Hughes",
}

// companies are candidate names of the simulated Gong customer; the product
// is what its sellers pitch.
var companies = []struct{ name, domain, slug, product string }{
	{"Northbeam", "northbeam.io", "northbeam", "Northbeam Insights"},
	{"Brightwave", "brightwave.com", "brightwave", "Brightwave Platform"},
	{"Cloudmint", "cloudmint.io", "cloudmint", "Cloudmint Billing"},
	{"Lumora", "lumora.com", "lumora", "Lumora Analytics"},
	{"Quantive Labs", "quantivelabs.com", "quantive-labs", "Quantive Forecast"},
	{"Stackfield", "stackfield.io", "stackfield", "Stackfield Workflows"},
	{"Veridian Data", "veridiandata.com", "veridian-data", "Veridian Pipeline"},
	{"Orbital Systems", "orbitalsys.com", "orbital-systems", "Orbital Ops Cloud"},
}

var acctPrefixes = []string{
	"Acme", "Apex", "Atlas", "Beacon", "Blue Ridge", "Bolt", "Cascade", "Cedar", "Citadel", "Clearwater",
	"Cobalt", "Crescent", "Delta", "Evergreen", "Falcon", "Frontier", "Golden Gate", "Granite", "Harbor", "Helix",
	"Horizon", "Ironwood", "Juniper", "Keystone", "Lakeside", "Liberty", "Lighthouse", "Magnolia", "Maple", "Meridian",
	"Monarch", "Northstar", "Oakridge", "Omega", "Pacific", "Paragon", "Pinnacle", "Pioneer", "Prairie", "Redwood",
	"Riverbend", "Sable", "Sierra", "Silverline", "Summit", "Sunrise", "Terra", "Titan", "Trident", "Union",
	"Vanguard", "Vertex", "Vista", "Westbrook", "Willow", "Zenith", "Aurora", "Bayview", "Copperleaf", "Driftwood",
}

var acctSuffixes = []string{
	"Logistics", "Health", "Financial", "Manufacturing", "Energy", "Foods", "Retail Group", "Software", "Capital", "Insurance",
	"Biotech", "Telecom", "Media", "Robotics", "Freight", "Hospitality", "Pharma", "Analytics", "Construction", "Labs",
	"Networks", "Motors", "Outdoor", "Education", "Partners",
}

var industries = []string{
	"Transportation", "Healthcare", "Financial Services", "Manufacturing", "Energy", "Food & Beverage", "Retail", "Software",
	"Banking", "Insurance", "Biotechnology", "Telecommunications", "Media", "Technology", "Logistics", "Hospitality",
	"Pharmaceuticals", "Business Services", "Construction", "Research", "Technology", "Automotive", "Consumer Goods", "Education", "Consulting",
}

var managerTitles = []string{"Sales Manager", "Regional Sales Director", "Director of Sales Development", "Enterprise Sales Manager", "Director, Customer Success"}

var sellerTitles = []string{
	"Account Executive", "Account Executive", "Senior Account Executive", "Enterprise Account Executive",
	"Sales Development Representative", "Sales Development Representative", "Solutions Engineer",
	"Customer Success Manager", "Account Manager", "Mid-Market Account Executive",
}

var buyerTitles = []string{
	"VP of Sales", "Head of Revenue Operations", "Director of IT", "CFO", "Procurement Manager",
	"Sales Operations Manager", "Chief Revenue Officer", "VP of Customer Success", "IT Manager", "Operations Director",
	"Head of Enablement", "Finance Manager", "CEO", "Director of Marketing", "Senior Analyst",
}

var departments = []string{"finance", "IT", "procurement", "legal", "security", "operations", "sales leadership", "marketing"}

var competitors = []string{"Callwise", "Convolens", "Dealsight", "Pipeforce", "Revlytics"}

var tools = []string{"spreadsheets", "Google Sheets", "Excel", "a homegrown tool", "Looker", "Tableau", "Jira", "Slack", "email", "Airtable"}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

var weekdays = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday"}

// topicNames are the call topics; the first and last two frame most calls.
var (
	openingTopics = []string{"Call Setup", "Small Talk"}
	middleTopics  = []string{"Pricing", "Product Demo", "Use Cases", "Integrations", "Objections", "Implementation", "Competition", "Security"}
	closingTopics = []string{"Next Steps", "Wrap-up"}
)

// structureOf maps a topic to the agenda part (content.structure) it falls in.
var structureOf = map[string]string{
	"Call Setup": "Meeting Setup", "Small Talk": "Introductions", "Pricing": "Pricing Discussion",
	"Product Demo": "Demo", "Use Cases": "Discovery", "Integrations": "Discovery", "Objections": "Discovery",
	"Implementation": "Implementation Plan", "Competition": "Discovery", "Security": "Discovery",
	"Next Steps": "Next Steps", "Wrap-up": "Next Steps",
}

// keyword trackers (their phrases appear verbatim in transcripts) and smart trackers.
var keywordTrackers = []struct {
	name    string
	phrases []string
	topic   string // topic in which it is most often said
}{
	{"Budget", []string{"budget", "spend", "allocated funds"}, "Pricing"},
	{"Pricing", []string{"pricing", "discount", "price per seat", "cost"}, "Pricing"},
	{"Competitors", []string{"Callwise", "Convolens", "Dealsight"}, "Competition"},
	{"Timeline", []string{"timeline", "deadline", "end of quarter"}, "Next Steps"},
	{"Security", []string{"SOC 2", "security review", "SSO", "GDPR"}, "Security"},
	{"Integrations", []string{"Salesforce", "HubSpot", "API", "integration"}, "Integrations"},
}

var smartTrackers = []struct {
	name  string
	texts []string
}{
	{"Next Steps", []string{
		"Let's get a follow-up on the calendar for next {day}.",
		"I'll send over a recap and the proposal by end of day.",
		"Let's loop in your {dept} team on the next call.",
		"Next step on our side is to put together a mutual action plan.",
		"I'll share the trial workspace with you and {cust} this afternoon.",
		"Let's plan on a technical deep dive early next week.",
	}},
	{"Pain Points", []string{
		"The biggest problem is that nobody trusts the numbers in the forecast.",
		"We lose a lot of time reconciling data between {tool} and the CRM.",
		"Our reps waste hours every week on manual data entry.",
		"Honestly, onboarding new hires takes way too long right now.",
		"We have zero visibility into what happens on the calls.",
		"Deals keep slipping and we only find out at the end of the quarter.",
	}},
	{"Objections", []string{
		"I'm not sure we have the bandwidth to roll this out right now.",
		"It feels expensive compared to what we pay today.",
		"We tried something similar two years ago and adoption was low.",
		"My concern is the time it takes to get the team trained.",
		"I need to be careful about adding yet another tool to the stack.",
		"Legal will have questions about where the data is stored.",
	}},
}

var backchannels = []string{
	"Yeah.", "Right.", "Okay.", "Mm-hmm.", "Got it.", "Sure.", "Exactly.", "That makes sense.", "Perfect.",
	"Absolutely.", "Yep.", "Okay, great.", "Totally.", "Interesting.", "Oh, nice.", "Fair enough.", "Cool.",
	"Sounds good.", "Yeah, for sure.", "Hmm.", "Great.", "Understood.",
}

var openers = []string{
	"", "", "", "", "", "", "So ", "Yeah, ", "Honestly, ", "I think ", "Right now ", "Basically, ", "To be fair, ",
	"From our side, ", "Look, ", "Okay, so ", "And ", "Well, ", "Actually, ", "I mean, ", "The thing is, ",
	"You know, ", "Just so you know, ", "As I mentioned, ",
}

var tails = []string{
	"", "", "", "", "", "", "", "", "", "", "", "", "", "", " this quarter", ", if that makes sense", ", to be honest",
	" on our side", " right now", " at the moment", " for the most part", " going forward", " as far as I know", " for now",
}

var sellerBodies = []string{
	"{prod} pulls every call straight into your CRM",
	"we usually see ramp time drop by about {pct} percent",
	"most of our customers start with a pilot of {num} reps",
	"the setup takes about two weeks end to end",
	"we can connect to {tool} in a couple of clicks",
	"I can show you how the dashboard looks for a team your size",
	"the forecast view updates as soon as the call ends",
	"we have a customer in {industry} that had the exact same problem",
	"our onboarding team will handle the rollout with you",
	"you get a dedicated customer success manager from day one",
	"the coaching module lets managers leave comments right on the call",
	"we rolled this out at a company about your size last {month}",
	"there is no software to install for your reps",
	"I'll walk you through the main workflow in a second",
	"this is the view your managers would see every morning",
	"you can filter by deal stage, owner and region",
	"the alerts fire when a deal goes quiet for more than {n} days",
	"everything is permissioned by team, so reps only see their own deals",
	"we could start with the {team} team and expand from there",
	"the reporting is fully customizable",
	"we recently added support for multiple languages",
	"we'd want to get {cust} and the {team} team aligned before the pilot",
	"I'll make sure {co} gets you a reference customer to talk to",
	"the pilot usually runs for {n} weeks",
	"this dashboard shows talk ratio by rep over the last {n} weeks",
	"our data retention policy is fully configurable",
	"we integrate with the calendar so every meeting is captured automatically",
	"I put together a short deck based on our last conversation",
	"let me share my screen real quick",
	"you should be seeing the home page now",
	"this is where the deal board lives",
	"I want to make sure we're solving the right problem for you",
	"the rollout for {num} seats would take about a month",
	"we price per user per year with volume tiers",
	"a lot of teams use it to prep for QBRs",
	"we can also pull in emails and calendar data",
	"I'd love to hear how you run your pipeline reviews today",
	"our customers usually see the value within the first {n} weeks",
}

var buyerBodies = []string{
	"we're tracking most of the pipeline in {tool}",
	"the team loses about {n} hours a week on manual reporting",
	"our forecast is usually off by {pct} percent",
	"we have about {num} reps across three regions",
	"leadership wants better visibility into the deals",
	"we grew the team a lot over the last year",
	"our managers don't have time to listen to every call",
	"I'd need to run this by {cust} before we commit to anything",
	"the {team} team has to sign off on any new vendor",
	"we're in the middle of a CRM migration",
	"our fiscal year starts in {month}",
	"we looked at a couple of other options last year",
	"ramp time for new reps is around {n} months",
	"most of our deals are sold through partners",
	"we've been burned by tools that nobody ended up using",
	"the reps are already pretty overloaded",
	"I like what I'm seeing so far",
	"that dashboard would save me a ton of time",
	"we mostly sell into {industry} companies",
	"the board is asking for a more predictable number",
	"we need something live before the next planning cycle",
	"our win rate dropped a bit last quarter",
	"my team runs pipeline reviews every {day}",
	"we don't really have a coaching program today",
	"I'm mostly worried about adoption",
	"we have a hiring plan for another {n} reps this year",
	"we use {tool} for almost everything right now",
	"it takes us forever to pull together the weekly numbers",
	"the handoff between SDRs and AEs is pretty messy",
	"I'll need a security questionnaire filled out",
	"our CRO is pushing hard on this initiative",
	"the renewal on our current contract is in {month}",
	"we had {n} deals slip out of last quarter",
	"that would be really helpful for the new managers",
	"I can get you a list of requirements by {day}",
}

var genericBodies = []string{
	"that sounds like a good plan",
	"let me double check and get back to you",
	"I think we're on the same page here",
	"we can definitely dig into that",
	"I'll take a note of that",
	"that's a really good point",
	"let's make sure we cover that before the end of the call",
	"I don't want to take up too much of your time",
	"we have about {n} minutes left",
	"I'll send the recording around afterwards",
	"that lines up with what I heard from {cust}",
	"it depends a bit on the use case",
	"we should revisit that once we have the numbers",
	"I can't hear you very well, you cut out for a second",
	"sorry, I was on mute",
}

var sellerQuestions = []string{
	"How are you handling forecasting today?",
	"What does the approval process look like on your end?",
	"Who else should we loop in from {dept}?",
	"What would success look like for you in the first {num} days?",
	"How many reps would be using this day to day?",
	"What's driving the timing on your side?",
	"Is {tool} your system of record for pipeline?",
	"What happens if you don't solve this this year?",
	"Does that workflow match how your team works?",
	"Can you walk me through a typical week for one of your managers?",
	"Who signs off on purchases like this?",
	"Have you looked at any other vendors?",
	"What made you take the call today?",
	"Does {day} work for a follow-up?",
	"Are there any blockers I should know about?",
	"Can you see my screen okay?",
	"How do you onboard new reps today?",
	"What metrics does your CRO care about most?",
}

var buyerQuestions = []string{
	"How long does the implementation usually take?",
	"Does it work with {tool}?",
	"What would {num} seats look like commercially?",
	"Can we try it with a smaller team first?",
	"Where is the data hosted?",
	"How do other customers in {industry} use it?",
	"Is there an admin console?",
	"Can managers see all of the calls or just their team's?",
	"What kind of support do we get after launch?",
	"Could you send me the deck after the call?",
	"How is this different from what we have now?",
	"Does it support Spanish and French calls?",
	"Can it flag deals that are at risk?",
}

// keyword templates: {kw} is replaced by the tracker phrase said.
var kwStatements = []string{
	"we need to talk about {kw} before the end of the month",
	"{kw} is going to be the deciding factor here",
	"I have to check on {kw} with {cust}",
	"the {kw} piece is still a bit of an open question",
	"we got some pushback on {kw} last time",
	"we should put {kw} on the agenda for next week",
	"I'll send you a summary of the {kw} discussion",
	"{kw} came up in our leadership meeting",
	"we've already covered most of the {kw} questions",
	"I'm not too worried about {kw} at this point",
}

var kwQuestions = []string{
	"How are you thinking about {kw} right now?",
	"Can you tell me more about {kw}?",
	"Where do things stand on {kw}?",
	"Is {kw} going to be a problem?",
	"Who on your side owns {kw}?",
}

var briefTemplates = []string{
	"{cust} from {acct} joined to discuss how {prod} could help their team improve forecast accuracy. {host} walked through the main workflow and answered questions on pricing and rollout. The group agreed to reconvene next {day} with the {team} team.",
	"{acct} is evaluating {prod} to replace manual reporting in {tool}. {cust} shared that the team spends hours every week on pipeline reviews. {host} proposed a pilot and will send a proposal.",
	"The call focused on integration requirements and security. {cust} raised questions about data residency and SSO, and {host} committed to sending the security documentation. Next step is a technical deep dive.",
	"{host} and {cust} reviewed the pilot results at {acct}. Adoption was strong and the team wants to expand to additional reps. Pricing for the expansion will be finalized by {month}.",
	"Discovery call with {acct}. {cust} described challenges with visibility into deals and coaching new reps. {host} demoed the deal board and scheduled a follow-up with leadership.",
}

var outlineItems = []string{
	"{cust} described the current process in {tool}",
	"{host} demoed the deal board and forecast view",
	"Discussed pricing for {num} seats",
	"Reviewed integration with the CRM",
	"{cust} raised concerns about adoption",
	"Agreed on next steps and owners",
	"Covered security and data retention questions",
	"Compared the offering with {comp}",
	"Reviewed pilot success criteria",
	"Introductions and agenda",
	"{host} recapped the previous meeting",
	"Timeline for a decision by {month}",
}

var highlightTitles = []string{"Next Steps", "Pain Points", "Key Decisions", "Action Items", "Customer Concerns"}

var highlightItems = []string{
	"{host} to send a proposal for {num} seats",
	"{cust} to share the requirements document by {day}",
	"Forecast accuracy is the main pain point",
	"Pilot to start with the {team} team",
	"Concern about rollout effort during the CRM migration",
	"Decision expected before the end of {month}",
	"{cust} wants a reference customer in {industry}",
	"Schedule a technical deep dive with IT",
	"Budget is approved for this fiscal year",
	"Security review must be completed before signing",
}

var keyPointTexts = []string{
	"{acct} tracks its pipeline mostly in {tool} today.",
	"The team has about {num} reps and plans to grow.",
	"Forecast accuracy and coaching are the main priorities.",
	"{cust} needs sign-off from {dept} before purchasing.",
	"A pilot is the preferred way to evaluate {prod}.",
	"Pricing was discussed for an annual contract.",
	"Integration with the CRM is a hard requirement.",
	"A decision is expected by {month}.",
	"{comp} is also being evaluated.",
	"Security documentation was requested.",
}

var commentTexts = []string{
	"Great discovery questions here.",
	"Nice job handling the pricing objection.",
	"{mention} worth listening to this part.",
	"We should have asked about the budget earlier.",
	"Good example of multi-threading.",
	"{mention} can you follow up on the security questions?",
	"Strong close on next steps.",
	"Talk ratio was a bit high in this section.",
	"Use this one in the onboarding library.",
	"Customer mentions {comp} here.",
}

var callOutcomes = []CallOutcome{
	{ID: "MEETING_BOOKED", Category: "Answered", Name: "Meeting booked"},
	{ID: "INTERESTED", Category: "Answered", Name: "Interested"},
	{ID: "FOLLOW_UP_REQUIRED", Category: "Answered", Name: "Follow-up required"},
	{ID: "NOT_INTERESTED", Category: "Answered", Name: "Not interested"},
	{ID: "BAD_PERSONA", Category: "Answered", Name: "Bad persona"},
	{ID: "DEMO_COMPLETED", Category: "Answered", Name: "Demo completed"},
	{ID: "LEFT_VOICEMAIL", Category: "Not answered", Name: "Left voicemail"},
}

var callPurposes = []string{"Discovery Call", "Demo Call", "Pricing Review", "Follow-up", "Kickoff", "QBR", "Technical Deep Dive"}

var sdrDispositions = []string{"Connected", "Left voicemail", "Meeting booked", "Not interested", "Got the gatekeeper", "Wrong number"}

var stageNames = []string{"Prospecting", "Qualification", "Discovery", "Demo", "Proposal", "Negotiation", "Closed Won"}

var leadSources = []string{"Outbound", "Inbound", "Partner Referral", "Event", "Web"}

var oppTypes = []string{"New Business", "Expansion", "Renewal"}

var forecastCategories = []string{"Pipeline", "Best Case", "Commit", "Omitted"}

var conferenceTitles = []string{
	"{acct} <> {co} | Discovery",
	"{acct} <> {co} | Demo",
	"{co} / {acct} - Pricing Review",
	"{acct} - Technical Deep Dive",
	"Intro: {co} + {acct}",
	"{acct} Pilot Kickoff",
	"{acct} | Follow-up with {cust}",
	"{co} x {acct} - Next Steps",
	"{acct} QBR",
}

var (
	outboundTitles = []string{"Call with {cust} {custlast}", "Outbound call to {acct}", "Follow-up call: {acct}", "{acct} - intro call"}
	inboundTitles  = []string{"Inbound call from {cust} {custlast}", "Call with {cust} {custlast}", "{acct} support line"}
)

var internalTitles = []string{"Pipeline review", "Weekly forecast call", "Deal review: {acct}", "Team sync", "Coaching session with {host}", "Account planning: {acct}"}

var conferenceSystems = []struct {
	name   string
	weight float64
}{{"Zoom", 50}, {"Google Meet", 20}, {"Microsoft Teams", 25}, {"Webex", 5}}

var phoneSystems = []string{"Outreach", "Salesloft", "RingCentral", "Aircall", "Dialpad"}

func init() {
	check := func(xs ...string) {
		for _, s := range xs {
			for i := 0; i < len(s); i++ {
				if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
					panic("gongsim: vocabulary string needs JSON escaping: " + s)
				}
			}
		}
	}
	lists := [][]string{firstNames, lastNames, acctPrefixes, acctSuffixes, industries, managerTitles, sellerTitles,
		buyerTitles, departments, competitors, tools, months, weekdays, openingTopics, middleTopics, closingTopics,
		backchannels, openers, tails, sellerBodies, buyerBodies, genericBodies, sellerQuestions, buyerQuestions,
		kwStatements, kwQuestions, briefTemplates, outlineItems, highlightTitles, highlightItems, keyPointTexts,
		commentTexts, callPurposes, sdrDispositions, stageNames, leadSources, oppTypes, forecastCategories,
		conferenceTitles, outboundTitles, inboundTitles, internalTitles, phoneSystems}
	for _, l := range lists {
		check(l...)
	}
	for _, c := range companies {
		check(c.name, c.domain, c.slug, c.product)
	}
	for _, t := range keywordTrackers {
		check(t.name)
		check(t.phrases...)
	}
	for _, t := range smartTrackers {
		check(t.name)
		check(t.texts...)
	}
}
