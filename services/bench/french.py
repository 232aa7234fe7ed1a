"""French news bodies for the tagger's French figures: sentences written in French for the bench, recombined.

The corpus's real pages are English and other languages, none French; these sentences were written in
French in the style of wire copy (not translated), with the people, places and organisations a French
reader would mark. Bodies are runs of them in a seeded order, in paragraphs, so that throughput is
measured on news-like French of the corpus's length rather than on one repeated text.
"""

from __future__ import annotations

import random

SENTENCES = (
    "Le président Emmanuel Macron a reçu mardi à l'Élysée le chancelier allemand Friedrich Merz pour préparer le prochain sommet européen.",
    "Les deux dirigeants ont évoqué le soutien à l'Ukraine, la politique agricole commune et le financement de la défense.",
    "À Bruxelles, la présidente de la Commission européenne, Ursula von der Leyen, doit présenter jeudi un plan d'investissement.",
    "La Banque de France prévoit une croissance de 0,8 % cette année, contre 1,1 % l'an dernier.",
    "Selon l'Insee, le chômage est resté stable au troisième trimestre, à 7,4 % de la population active.",
    "Le ministre de l'Économie a annoncé un nouveau plan d'économies de plusieurs milliards d'euros.",
    "La maire de Paris, Anne Hidalgo, a inauguré dimanche une nouvelle ligne de tramway entre la porte de Vincennes et Montreuil.",
    "À Lyon, la conférence sur l'énergie organisée par EDF et TotalEnergies a réuni plus de deux mille participants.",
    "Le maire de Lyon, Grégory Doucet, a salué un accord qu'il juge « historique » pour la métropole.",
    "À Marseille, le port a enregistré une hausse de 12 % de son trafic de conteneurs au premier semestre.",
    "Le groupe Renault a confirmé la fermeture d'un site près de Douai, où travaillent environ 600 salariés.",
    "Les syndicats CGT et CFDT appellent à une grève nationale le 14 octobre contre la réforme de l'assurance chômage.",
    "La SNCF prévoit un trafic perturbé sur les lignes TGV entre Paris et Bordeaux jusqu'à vendredi.",
    "Air France a annoncé la reprise de ses vols vers Beyrouth après une suspension de trois semaines.",
    "Le Premier ministre s'est rendu à Toulouse pour rencontrer les dirigeants d'Airbus et les élus de la région Occitanie.",
    "À Strasbourg, les députés du Parlement européen ont adopté le texte par 412 voix contre 188.",
    "L'ancien président Nicolas Sarkozy doit comparaître en novembre devant le tribunal correctionnel de Paris.",
    "La Cour de cassation a rejeté lundi le pourvoi formé par la société, mettant fin à une procédure de huit ans.",
    "Le Conseil constitutionnel a censuré plusieurs articles de la loi sur l'immigration.",
    "Marine Le Pen a dénoncé une décision « politique », tandis que Jordan Bardella appelait au calme.",
    "Jean-Luc Mélenchon a réuni ses partisans à Marseille, sur le Vieux-Port, pour lancer la campagne.",
    "À Nantes, plusieurs milliers de personnes ont défilé samedi pour réclamer de meilleurs salaires.",
    "La préfecture de la Gironde a placé le département en vigilance orange pour les orages.",
    "Météo-France annonce des températures supérieures à 35 degrés dans la vallée du Rhône à partir de mercredi.",
    "Les pompiers ont maîtrisé l'incendie qui a détruit près de 900 hectares de forêt dans les Landes.",
    "À Genève, les négociations organisées sous l'égide des Nations unies ont été suspendues sans accord.",
    "Le secrétaire général de l'ONU, António Guterres, a appelé à un cessez-le-feu immédiat.",
    "Le ministre des Affaires étrangères s'est entretenu au téléphone avec son homologue algérien.",
    "À Alger, le président Abdelmadjid Tebboune a reçu une délégation d'hommes d'affaires français.",
    "À Dakar, le gouvernement sénégalais a présenté son budget, en hausse de 8 % sur un an.",
    "Le Maroc et l'Espagne ont signé à Rabat un accord sur la gestion des flux migratoires.",
    "À Montréal, le premier ministre du Québec, François Legault, a défendu son projet de loi sur la langue française.",
    "La Banque centrale européenne a laissé ses taux inchangés, a indiqué Christine Lagarde à Francfort.",
    "Le CAC 40 a terminé la séance en baisse de 1,2 %, pénalisé par les valeurs du luxe comme LVMH et Kering.",
    "Bernard Arnault, le PDG de LVMH, a présenté des résultats semestriels en recul.",
    "Le groupe Danone a annoncé la cession de ses activités en Russie pour un montant non divulgué.",
    "L'Oréal a confirmé l'acquisition d'une marque coréenne de cosmétiques.",
    "La start-up Mistral AI a levé 600 millions d'euros auprès d'investisseurs américains et européens.",
    "Le Paris Saint-Germain s'est imposé 3-1 face à l'Olympique de Marseille au Parc des Princes.",
    "Kylian Mbappé, désormais au Real Madrid, a marqué son dixième but de la saison.",
    "L'entraîneur Didier Deschamps a dévoilé jeudi la liste des joueurs retenus en équipe de France.",
    "Le Tour de France partira l'an prochain de Barcelone, a annoncé Christian Prudhomme.",
    "À Roland-Garros, la joueuse française Caroline Garcia a été éliminée dès le deuxième tour.",
    "Le Stade toulousain a remporté le championnat de France de rugby face à l'Union Bordeaux-Bègles.",
    "Le Festival de Cannes a dévoilé sa sélection officielle, qui compte quatre films français en compétition.",
    "Le musée du Louvre a accueilli près de neuf millions de visiteurs l'an dernier.",
    "La cathédrale Notre-Dame de Paris a rouvert ses portes au public après cinq ans de travaux.",
    "L'écrivaine Annie Ernaux a reçu le prix Nobel de littérature à Stockholm.",
    "Le ministère de la Santé a lancé une campagne de vaccination contre la grippe dans les pharmacies.",
    "L'hôpital de Bordeaux a ouvert un nouveau service d'urgences pédiatriques.",
    "L'Agence spatiale européenne prépare depuis Kourou, en Guyane, le lancement d'une fusée Ariane 6.",
    "Le CNES et la NASA ont signé un accord de coopération pour l'exploration de Mars.",
    "En Nouvelle-Calédonie, le couvre-feu a été levé à Nouméa après plusieurs semaines de troubles.",
    "À Ajaccio, l'Assemblée de Corse a adopté une motion sur l'autonomie de l'île.",
    "La gendarmerie a ouvert une enquête après la disparition d'un randonneur dans les Pyrénées.",
    "Le procureur de la République de Paris a annoncé l'interpellation de trois suspects.",
    "L'Assemblée nationale examinera le projet de budget à partir du 21 octobre.",
    "Le Sénat a adopté en première lecture la proposition de loi sur la fin de vie.",
    "Selon un sondage Ifop publié dimanche, 58 % des Français se disent inquiets pour leur pouvoir d'achat.",
    "Les agriculteurs de la FNSEA ont bloqué plusieurs autoroutes autour de Lille et de Rouen.",
    "À Bruxelles, l'OTAN a réuni ses ministres de la Défense pour discuter de l'aide militaire à Kiev.",
    "Le président ukrainien Volodymyr Zelensky est attendu à Paris la semaine prochaine.",
    "À Berlin, le gouvernement allemand a présenté un plan de relance de l'industrie automobile.",
    "La Suisse a conclu un accord commercial avec l'Union européenne après dix ans de discussions.",
)

_PARAGRAPH_SENTENCES = 3


def french_bodies(count: int, *, sentences: tuple[int, int] = (12, 30), seed: int = 7) -> list[str]:
    """`count` bodies, each a seeded run of sentences (no sentence twice in a body) in paragraphs of three."""
    chooser = random.Random(seed)  # noqa: S311 - reproducible bodies, not a secret
    bodies = []
    for _ in range(count):
        picked = chooser.sample(SENTENCES, min(len(SENTENCES), chooser.randint(*sentences)))
        paragraphs = [" ".join(picked[i : i + _PARAGRAPH_SENTENCES]) for i in range(0, len(picked), _PARAGRAPH_SENTENCES)]
        bodies.append("\n\n".join(paragraphs))
    return bodies
