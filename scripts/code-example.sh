#!/usr/bin/env bash
# Re-creates the bundled example codings (codings/amara/) with qualcode's own commands.
# Each line codes one passage by its exact quote, as a researcher would from the shell.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf codings/amara
t() { qualcode tag "$1" --code "$2" --quote "$3" --coder amara "${@:4}" >/dev/null; }

t mps-01 origin-and-context "There was a gap between a caution and a gang injunction, and the order was meant to fill it." --pin
t mps-01 origin-and-context "That was in the period when knife crime was rising every quarter and there was real political pressure to be seen to do something new."
t mps-01 focus-on-prevention "The positive requirements were the heart of it: mentoring, education, a way out."
t mps-01 focus-on-prevention "If you strip out the requirements you have just built another ASBO, and we know how that ended."
t mps-01 multi-agency-collaboration "It only works if the council, the YOT and the police sit round the same table."
t mps-01 multi-agency-collaboration "In one borough it was a proper joint meeting with the family support worker present. In another it was an email sent the day before the hearing."
t mps-01 reluctance-to-report-breaches "What I hear now is that officers and youth workers are reluctant to report breaches at all, because nobody wants to be the person who reports a breach that sends a sixteen-year-old to custody."
t mps-01 evaluation-measures "Honestly, we never agreed what success would look like, so the evaluation counts orders, not outcomes."
t mps-01 evaluation-measures "What we do not have is good data on whether the young people stopped carrying, whether they stayed in education, whether they were safer."
t mps-01 focus-on-prevention "The order was sold as prevention, and prevention costs money. Without that funding, the focus on prevention is mostly words."

t ho-01 origin-and-context "Knife crime was at the highest level in years, there was a great deal of media attention, and ministers wanted new legislation."
t ho-01 origin-and-context "I should be honest that the timetable was driven by the parliamentary calendar as much as by evidence."
t ho-01 focus-on-prevention "The orders were meant to divert young people away from knives through positive requirements, things like mentoring, education or sport, alongside prohibitions."
t ho-01 focus-on-prevention "But guidance is not funding, and I think that is the weak point."
t ho-01 multi-agency-collaboration "The difficulty is that the duty to consult is not the same as a duty to agree, and where relationships between the police and the local authority were poor, the consultation was a formality." --pin
t ho-01 evaluation-measures "It does not tell us about outcomes in any robust way, because we do not have a comparison group and the numbers are small."
t ho-01 evaluation-measures "Whether they have prevented any knife crime I genuinely cannot say, and I would be suspicious of anyone who claims they can on the evidence we have."
t ho-01 reluctance-to-report-breaches "When we asked why, the answer from practitioners was that they are reluctant to report breaches because a breach is a criminal offence and the consequences for a young person are severe."
t ho-01 multi-agency-collaboration "They have started a conversation about prevention for young people who carry knives, and in the best areas they brought the police and the youth offending service closer together."

t ho-02 evaluation-measures "We would need a comparison group of young people who were similar but did not get an order, and that was never set up."
t ho-02 evaluation-measures "An order granted is an output, not an outcome." --pin
t ho-02 evaluation-measures "There is no shared identifier, so linking a young person's order to their later contact with services was manual and slow."
t ho-02 reluctance-to-report-breaches "When we followed up, it was more that officers and youth workers were reluctant to report breaches, because reporting one starts a criminal process."
t ho-02 multi-agency-collaboration "where police and the council already had a good relationship, we got good data and good interviews. Where they did not, we got very little."
t ho-02 focus-on-prevention "But prevention is hard to measure, and if you do not measure it you end up counting the enforcement side instead, which quietly shifts what the policy is about."
t ho-02 origin-and-context "The pilot was announced before the evaluation was commissioned, so the design had to fit around decisions already made."

t mps-02 operational-challenges "For a response officer on a busy shift, that paperwork competes with everything else."
t mps-02 operational-challenges "There was no system built for that. We ended up with spreadsheets in each borough, which meant that monitoring depended on whoever owned the spreadsheet."
t mps-02 tailored-eligibility "A fifteen-year-old in school with a supportive mum needs a very different order from a nineteen-year-old with no fixed address."
t mps-02 tailored-eligibility "The weaker applications were cut and paste, with the same conditions for everyone."
t mps-02 condition-complexity "I sat with one young man who could not tell me what half of them meant. If a young person does not understand the conditions, they are going to breach them, and then we have made things worse." --pin
t mps-02 resource-barriers "Nobody would pay for the gym sessions the order asked for."
t mps-02 resource-barriers "We had one case where the court approved a requirement to attend a boxing club, and then the club wanted paying and none of the agencies had funding for it. So the requirement just quietly lapsed."
t mps-02 engaging-stakeholders "Awareness was still low in many boroughs a year in. Officers would say they had never heard of the orders."
t mps-02 engaging-stakeholders "Courts were another matter: magistrates needed to understand what they were being asked to do, and early hearings went badly because the bench had not been briefed."
t mps-02 perceived-redundancy "The most common challenge from experienced officers was that we already have the criminal behaviour order and the gang injunction, so why another tool."
t mps-02 engaging-stakeholders "If the process depends on a champion, it is fragile."
t mps-02 reluctance-to-report-breaches "Officers told me they would rather have a word with the young person, or call their YOT worker, than arrest them for a breach."
t mps-02 resource-barriers "And I would ask for a dedicated officer in each borough, because goodwill is not a resourcing model."

t mps-03 operational-challenges "The paperwork for one order took me about three full days spread over a month."
t mps-03 operational-challenges "Serving the order is another job, because you have to find the young person and explain it to them and to their parent."
t mps-03 tailored-eligibility "I tried to tailor every order. One lad was really into football, so his positive requirement was a football coaching course."
t mps-03 condition-complexity "A young person cannot hold all that in their head."
t mps-03 condition-complexity "When I served one of them, the lad asked me what a bladed article was. That was a lesson."
t mps-03 resource-barriers "There were none. No budget for the positive requirements, no extra officers, no system."
t mps-03 resource-barriers "I found a boxing club that would take young people on orders, but they wanted paying, and nobody had the funding. In the end a local charity covered two places out of their own money." --pin
t mps-03 engaging-stakeholders "I did briefings at every shift change and still got officers asking me what a KCPO was."
t mps-03 engaging-stakeholders "My first hearing was adjourned because the bench wanted to know more about the programme in the requirement."
t mps-03 perceived-redundancy "For adults with a conviction, they are right, a CBO does the job. For a fifteen-year-old with no conviction, the knife crime order is the only option."
t mps-03 reluctance-to-report-breaches "Arresting a kid for being home twenty minutes late does not make anyone safer."
t mps-03 operational-challenges "When I moved to a new team, applications in the borough stopped. Nobody else had the time or the knowledge."

t cps-01 diverse-views "I would say the service is divided, and that division partly follows experience: people who have seen an order used well tend to be more positive."
t cps-01 issuance-factors "The factors I look at are the evidence of knife carrying, the intelligence picture, whether the young person is at real risk, and whether the conditions the police propose are workable."
t cps-01 issuance-factors "If the YOT is opposed, the court will hear that, and it changes the likely outcome."
t cps-01 quality-of-conditions "A vague condition is hard to enforce and hard for the young person to understand."
t cps-01 quality-of-conditions "A blanket curfew for a boy whose only incident was in school hours is not proportionate."
t cps-01 court-procedure "Hearings get adjourned because the report from the youth offending service is not ready, or because the young person has not been served properly. Listing is unpredictable."
t cps-01 court-procedure "Variations are another headache: if circumstances change, coming back to court to vary an order takes weeks."
t cps-01 real-risk-cases "There is a small number of young people at real risk of serious harm, who have carried a weapon repeatedly and are involved in a conflict, where an order with the right conditions and real support can make a difference." --pin
t cps-01 real-risk-cases "The order got him a mentor and kept him out of one area for six months. He has not come back to our attention."
t cps-01 implementation-progress "It is early days. We have seen a modest number of orders so far, and we are still learning how best to deal with them."
t cps-01 implementation-progress "National roll-out will need consistent training for prosecutors, because at the moment knowledge is concentrated in a few people."

t cps-02 diverse-views "Some of us had lived through the ASBO years and thought we had seen this before. Others welcomed anything that might get ahead of a stabbing."
t cps-02 real-risk-cases "In those cases the order gives structure and, when it works, access to support."
t cps-02 issuance-factors "Is the order necessary, or would something less intrusive do? Are the proposed conditions specific, proportionate and capable of being complied with?"
t cps-02 issuance-factors "I would rather we make fewer orders that are well founded than many that are challenged."
t cps-02 quality-of-conditions "Exclusion zones drawn around a whole borough. Non-association conditions with a list of twenty names. Curfews that clash with a college course."
t cps-02 quality-of-conditions "The wording matters. We now send applications back where the wording is unclear, and the police have improved."
t cps-02 court-procedure "Court time is at a premium, and a contested application can take half a day."
t cps-02 court-procedure "Different courts did different things."
t cps-02 implementation-progress "We are past the first phase. The numbers are still small, but processes are settling down, the guidance is clearer, and there is more consistency."
t cps-02 implementation-progress "I think national roll-out will expose whether the early problems were teething troubles or structural ones."

t yos-01 criminalising-children "So a child who has never been convicted of anything can end up with a criminal record for being in the wrong place after curfew." --pin
t yos-01 criminalising-children "We spend our working lives trying to keep children out of the system, and this is a new door into it."
t yos-01 unenforceable-requirements "Many of the requirements are unenforceable, or at least nobody can realistically enforce them."
t yos-01 unenforceable-requirements "So the conditions sit on paper, and the only time they matter is when the child is stopped for something else and the breach is added on."
t yos-01 equity-and-disproportionality "In our borough, almost all the children who received orders were Black boys. That is not a coincidence."
t yos-01 equity-and-disproportionality "If the intelligence that drives an application comes from where the police patrol, the orders will follow the same pattern."
t yos-01 political-dilemma "Because politicians needed to be seen to act on knife crime."
t yos-01 political-dilemma "What makes a good headline is a new power. What actually helps is youth work, mentoring, family support, mental health care, stable school places, and those take years and do not make headlines."
t yos-01 missing-safeguarding "The order treats them as a risk to others, when they should be treated as children at risk, and safeguarding should come first."
t yos-01 missing-safeguarding "In two of the applications we saw, the child was already subject to a child protection plan, and the application did not mention it."
t yos-01 not-preventative "Prevention is what happens before a child picks up a knife: a youth club that is open, a teacher who notices, a mentor who turns up. An order arrives after the knife."
t yos-01 limited-applicability "The children we see mostly need support, not conditions."
t yos-01 limited-applicability "The orders were designed for a kind of young person who is less common than the policy imagined."
t yos-01 withdrawal-of-support "Our borough closed three youth clubs in five years. The mental health service for young people has a waiting list of nine months."

t yos-02 criminalising-children "For a child, that can mean a first conviction, which follows them into job applications and college places."
t yos-02 unenforceable-requirements "These requirements are unenforceable, because the child cannot comply with them even if he wants to."
t yos-02 unenforceable-requirements "A requirement to attend education for a child who has been permanently excluded and has no school place."
t yos-02 equity-and-disproportionality "The children on orders in our area are overwhelmingly from Black and mixed heritage backgrounds and from the two most deprived wards."
t yos-02 political-dilemma "They are another example of a political answer to a practice problem. Ministers need to act, and a new order is visible action."
t yos-02 missing-safeguarding "The orders have no safeguarding built into them. The application form does not even ask whether the child is known to children's social care."
t yos-02 not-preventative "By the time a child is being considered for an order, we are well past prevention. The order is a punitive response with a preventative label." --pin
t yos-02 limited-applicability "It applies to a small number."
t yos-02 withdrawal-of-support "We had a child whose order required him to attend a youth club that had closed the month before the hearing."
t yos-02 withdrawal-of-support "The youth service has been cut to a skeleton."
t yos-02 criminalising-children "If the orders stay, they should be a route into help, not a route into custody."

t charity-01 mentoring-benefits "A trusted adult who is not the police and not a social worker. That matters more than anything else we do." --pin
t charity-01 mentoring-benefits "A mentor who turns up every week, who answers the phone at eleven at night, who can say I have been where you are, builds a relationship that can change things."
t charity-01 mentoring-benefits "The order brought him to us, I will give it that. But what changed him was the relationship."
t charity-01 referral-process "The referral process is slow and unclear."
t charity-01 referral-process "In practice, referrals arrive weeks late, with little information, sometimes without the young person even knowing they have been referred."
t charity-01 referral-process "Mentoring only works if the young person chooses it, and being told you must attend by a court is not the same as choosing."
t charity-01 referral-process "A named contact in each agency, a simple referral form with the information we actually need, a meeting with the young person before the hearing, and funding for each place."
t charity-01 mentoring-benefits "Mentoring is not a soft option. It is the hardest work we do, and it works."
