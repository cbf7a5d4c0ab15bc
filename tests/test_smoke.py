from assistant.core import decide, load_pack


def test_shipped_pack_decides_a_serious_incident():
    pack = load_pack()
    decision = decide(pack, {"immediate_risk": "no", "subject_age_band": "under_16", "harm": "died", "abuse_or_neglect": "known", "incident_location": "in_area"})
    assert decision.route == "serious_incident"
