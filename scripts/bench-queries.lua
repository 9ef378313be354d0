-- A fixed set of catalogue API searches (text query + two facet filters, facets included),
-- cycled in order so every run measures the same mix.
local queries = {
  "/api/v1/aanbod?q=ondermijning&thema=ondermijning&doelgroep=wijkprofessionals",
  "/api/v1/aanbod?q=jongeren&thema=jeugd-en-veiligheid&vorm=training",
  "/api/v1/aanbod?q=schulden%20vroegsignalering&thema=armoede-en-schulden&doelgroep=beleidsmakers",
  "/api/v1/aanbod?q=wijkaanpak&thema=langjarige-wijkaanpak&sector=sociaal-domein",
  "/api/v1/aanbod?q=bewoners%20participatie&doelgroep=bewoners&locatie=online",
  "/api/v1/aanbod?q=vertrouwen%20politie&thema=vertrouwen-en-verbinding&doelgroep=wijkprofessionals",
  "/api/v1/aanbod?q=eenzaamheid%20ouderen&thema=zorg-en-kwetsbare-bewoners&vorm=webinar",
  "/api/v1/aanbod?q=ondermijnig&doelgroep=beleidsmakers&regio=landelijk",
  "/api/v1/aanbod?q=gemengde%20wijk%20polarisatie&thema=gemengde-wijken&doelgroep=wijkprofessionals",
  "/api/v1/aanbod?q=data%20monitor&thema=data-en-monitoring&sector=veiligheid",
}
local i = 0
request = function()
  i = i % #queries + 1
  return wrk.format("GET", queries[i])
end
