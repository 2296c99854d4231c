"""Words for the generated corpus: authorities, requesters, answers, requests, disclaimers, auto-replies."""
from __future__ import annotations

AUTHORITIES = [
    ("Hampshire County Council", "Sarah Bennett", "Information Governance Officer", "foi@hants-cc.example.gov.uk"),
    ("Northshire Police", "David Okafor", "Disclosure Officer", "freedomofinformation@northshire.police.example.uk"),
    ("Department for Transport", "Priya Raman", "FOI Team", "foirequests@dft.example.gov.uk"),
    ("NHS Lakeside Trust", "Gareth Evans", "Information Rights Lead", "foi.lakeside@nhs.example.net"),
    ("Cyngor Sir Ceredigion", "Siân Jones", "Swyddog Rhyddid Gwybodaeth", "rhyddidgwybodaeth@ceredigion.example.gov.uk"),
    ("Ville de Lyon", "Claire Dubois", "Chargée d'accès aux documents", "cada@mairie-lyon.example.fr"),
    ("Stadt Köln", "Jürgen Müller", "Informationsfreiheit", "ifg@stadt-koeln.example.de"),
    ("Ayuntamiento de Sevilla", "María José Núñez", "Oficina de Transparencia", "transparencia@sevilla.example.es"),
    ("Gemeente Utrecht", "Pieter de Vries", "Team Wob/Woo", "woo@utrecht.example.nl"),
    ("Comune di Bologna", "Giulia Rossi", "Ufficio Accesso Civico", "accessocivico@comune.bologna.example.it"),
    ("Câmara Municipal de Lisboa", "João Conceição", "Gabinete de Acesso", "acesso@cm-lisboa.example.pt"),
    ("University of Midtown", "Tom Harris", "Records Manager", "foi@midtown.example.ac.uk"),
]

REQUESTERS = [
    ("Jane Doe", "request-1201-5f3a9c2e@foi.example"),
    ("Mohammed Ali", "request-1315-a81b77d0@foi.example"),
    ("Chris O'Neill", "request-1422-0c9d3e11@foi.example"),
    ("Anna Kowalska", "request-1533-77ab21f4@foi.example"),
]

REQUESTS = [
    "Please provide the number of potholes reported on roads maintained by the council in each of the years 2021, 2022 and 2023, and the amount spent on repairing them.",
    "I would like to request copies of all contracts between the authority and external consultants worth more than £25,000 signed since 1 January 2022.",
    "Please tell me how many body-worn cameras your officers used in 2023, and the total cost of storing the footage.",
    "Could you please send me the minutes of the meetings of the Transport Board held between March and June 2024?",
    "How many agency nurses did the Trust employ in each month of 2023, and what was the total cost?",
]

ANSWERS_EN = [
    "Dear Ms Doe,\n\nThank you for your request for information received on 4 March 2024.\n\nI can confirm that we hold the information you requested. In 2021 there were 4,312 potholes reported, in 2022 there were 5,108 and in 2023 there were 6,240. The cost of repairs was £1,204,000 in 2023.\n\nKind regards,\n\nSarah Bennett\nInformation Governance Officer",
    "Dear Requester,\n\nPlease find attached the contracts you asked for. Some personal data has been withheld under section 40(2) of the Act.\n\nIf you are unhappy with this response you may ask for an internal review within 40 working days.\n\nYours sincerely,\nDavid Okafor",
    "Hello,\n\nWe are still working on your request FOI-2024-0113 and need a further 20 working days to consider the public interest test under section 31.\n\nWe will respond by 2 May 2024.\n\nRegards,\nPriya",
    "Dear Mr Ali,\n\nThe Trust does not hold this information in the format requested. The total spend on agency nursing in 2023 was £3.2 million.\n\nBest wishes,\nGareth Evans\nInformation Rights Lead",
    "Hi Jane,\n\nQuick note: the minutes are published on our website, so section 21 applies. You can find them under Meetings > Transport Board.\n\nThanks,\nTom",
    "Dear Sir or Madam,\n\nYour request has been refused under section 12 because the cost of compliance would exceed the appropriate limit of £450. You may wish to narrow it to a single year.\n\nYours faithfully,\nFOI Team",
    "Dear Ms Kowalska,\n\nWe have now completed the internal review. The original decision is upheld in part; the attached spreadsheet gives the figures for 2022 and 2023.\n\nSincerely,\nSarah Bennett",
    "Thanks for your patience. We used 1,180 body-worn cameras in 2023 and storage cost £86,400 for the year.\n\nDavid",
]
ANSWERS = {
    "fr": "Madame, Monsieur,\n\nNous accusons réception de votre demande du 4 mars 2024. Les documents demandés vous seront communiqués dans un délai d'un mois.\n\nCordialement,\nClaire Dubois",
    "de": "Sehr geehrte Frau Doe,\n\nvielen Dank für Ihre Anfrage nach dem Informationsfreiheitsgesetz. Die gewünschten Unterlagen finden Sie im Anhang. Für Rückfragen stehe ich gern zur Verfügung.\n\nMit freundlichen Grüßen\nJürgen Müller",
    "es": "Estimada Sra. Doe:\n\nLe informamos de que su solicitud de acceso a la información pública ha sido admitida a trámite. Recibirá una respuesta en el plazo de un mes.\n\nAtentamente,\nMaría José Núñez",
    "nl": "Geachte mevrouw Doe,\n\nHartelijk dank voor uw Woo-verzoek. Wij beslissen binnen vier weken op uw verzoek. Over de voortgang houden wij u op de hoogte.\n\nMet vriendelijke groet,\nPieter de Vries",
    "it": "Gentile signora Doe,\n\nla informiamo che la sua istanza di accesso civico è stata accolta. In allegato trova i documenti richiesti.\n\nCordiali saluti,\nGiulia Rossi",
    "pt": "Exma. Senhora,\n\nAcusamos a receção do seu pedido de acesso a documentos administrativos. A resposta será enviada no prazo de dez dias úteis.\n\nCom os melhores cumprimentos,\nJoão Conceição",
    "cy": "Annwyl Ms Doe,\n\nDiolch am eich cais am wybodaeth. Rydym yn cadarnhau ein bod yn dal y wybodaeth. Mae'r ffigurau ar gyfer 2023 wedi'u hatodi.\n\nYn gywir,\nSiân Jones",
    "ru": "Уважаемая госпожа Доу,\n\nСообщаем, что ваш запрос получен и будет рассмотрен в течение тридцати дней.\n\nС уважением,\nИван Петров",
    "ja": "ドウ様\n\n情報公開請求を受け付けました。三十日以内に回答いたします。\n\n総務課 山田",
    "zh": "尊敬的多伊女士：\n\n我们已收到您的信息公开申请，将在二十个工作日内答复。\n\n此致\n办公室 王伟",
    "zh_tw": "親愛的多伊女士：\n\n我們已收到您的資訊公開申請，將於二十個工作天內回覆。\n\n敬上\n秘書處 陳明",
}

ATTRIBUTIONS = {
    "en": "On Mon, 4 Mar 2024 at 10:15, {name} <{addr}> wrote:",
    "fr": "Le lun. 4 mars 2024 à 10:15, {name} <{addr}> a écrit :",
    "de": "Am Mo., 4. März 2024 um 10:15 Uhr schrieb {name} <{addr}>:",
    "es": "El lun, 4 mar 2024 a las 10:15, {name} (<{addr}>) escribió:",
    "nl": "Op ma 4 mrt 2024 om 10:15 schreef {name} <{addr}>:",
    "it": "Il giorno lun 4 mar 2024 alle ore 10:15 {name} <{addr}> ha scritto:",
    "pt": "Em seg., 4 de mar. de 2024 às 10:15, {name} <{addr}> escreveu:",
    "cy": "Ar Llun, 4 Maw 2024 am 10:15, ysgrifennodd {name} <{addr}>:",
}

OUTLOOK_BLOCKS = {
    "en": ("From:", "Sent:", "To:", "Subject:", "Monday, March 4, 2024 10:15 AM"),
    "fr": ("De :", "Envoyé :", "À :", "Objet :", "lundi 4 mars 2024 10:15"),
    "de": ("Von:", "Gesendet:", "An:", "Betreff:", "Montag, 4. März 2024 10:15"),
    "es": ("De:", "Enviado el:", "Para:", "Asunto:", "lunes, 4 de marzo de 2024 10:15"),
    "nl": ("Van:", "Verzonden:", "Aan:", "Onderwerp:", "maandag 4 maart 2024 10:15"),
    "it": ("Da:", "Inviato:", "A:", "Oggetto:", "lunedì 4 marzo 2024 10:15"),
    "pt": ("De:", "Enviado:", "Para:", "Assunto:", "segunda-feira, 4 de março de 2024 10:15"),
}

DISCLAIMERS = [
    "This email and any files transmitted with it are confidential and intended solely for the use of the individual or entity to whom they are addressed. If you have received this email in error please notify the system manager. Communications with the Council may be monitored and recorded.",
    "CONFIDENTIALITY NOTICE: This e-mail message, including any attachments, is for the sole use of the intended recipient(s) and may contain confidential and privileged information. If you are not the intended recipient, please contact the sender by reply e-mail and destroy all copies of the original message.",
    "Ce message et toutes les pièces jointes sont confidentiels et établis à l'intention exclusive de ses destinataires. Si vous avez reçu ce message par erreur, merci de le détruire et d'en avertir immédiatement l'expéditeur.",
    "Diese E-Mail enthält vertrauliche und/oder rechtlich geschützte Informationen. Wenn Sie nicht der richtige Adressat sind oder diese E-Mail irrtümlich erhalten haben, informieren Sie bitte sofort den Absender und vernichten Sie diese Mail.",
    "Mae'r neges e-bost hon ac unrhyw atodiadau yn gyfrinachol. Os ydych wedi derbyn y neges hon drwy gamgymeriad, rhowch wybod i'r anfonwr. This email and any attachments are confidential and intended only for the addressee.",
]

AUTO_REPLIES = {
    "en": ("Automatic reply: {subj}", "Thank you for your email. I am out of the office until Monday 11 March with no access to email. For urgent FOI matters please contact the team on foi@example.gov.uk."),
    "fr": ("Réponse automatique : {subj}", "Bonjour,\nJe suis absente du bureau jusqu'au 11 mars inclus. En cas d'urgence, merci de contacter le secrétariat.\nCordialement"),
    "de": ("Automatische Antwort: {subj}", "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich 11.03.2024 nicht im Büro. In dringenden Fällen wenden Sie sich bitte an meine Kollegin."),
    "es": ("Respuesta automática: {subj}", "Gracias por su mensaje. Estaré fuera de la oficina hasta el 11 de marzo. Para asuntos urgentes, contacte con transparencia."),
    "it": ("Risposta automatica: {subj}", "Grazie per il messaggio. Sarò fuori ufficio fino all'11 marzo, con accesso limitato alla posta."),
    "nl": ("Automatisch antwoord: {subj}", "Dank voor uw bericht. Ik ben afwezig tot en met 11 maart. Uw e-mail wordt niet doorgestuurd."),
    "pt": ("Resposta automática: {subj}", "Obrigado pela sua mensagem. Estarei ausente do escritório até 11 de março."),
    "cy": ("Ateb awtomatig: {subj}", "Diolch am eich e-bost. Rydw i allan o'r swyddfa tan 11 Mawrth. Thank you for your email, I am out of the office until 11 March."),
    "de2": ("Abwesenheitsnotiz: {subj}", "Ich bin vom 4. bis 8. März nicht erreichbar. Ihre Nachricht wird nicht weitergeleitet."),
    "nl2": ("Afwezig: {subj}", "Ik ben met vakantie tot 11 maart."),
    "en2": ("Out of Office: {subj}", "I am currently on annual leave, returning on 11 March 2024."),
}
