/** Survey wording per locale. `{brand}` and `{name}` are filled in (escaped) by the templates. */
export interface Messages {
  subject: string;
  /** A reminder to someone who has not answered yet. */
  reminderSubject: string;
  reminderIntro: string;
  greeting: string;
  greetingAnonymous: string;
  question: string;
  notLikely: string;
  veryLikely: string;
  /** The accessible name of one score link; `{score}` is filled in. */
  scoreLabel: string;
  clickHint: string;
  unsubscribe: string;
  thanks: string;
  commentPrompt: string;
  send: string;
  submitScore: string;
  recorded: string;
  closed: string;
  invalid: string;
  unsubscribed: string;
  unsubscribeConfirm: string;
  /** The follow-up email after a case is resolved; `{comment}`, `{score}` and `{brand}` are filled in. */
  followUpSubject: string;
  followUpToldUs: string;
  followUpToldUsScore: string;
  followUpWhatWeDid: string;
  followUpThanks: string;
}

const en: Messages = {
  subject: 'A quick question about {brand}',
  reminderSubject: 'Reminder: a quick question about {brand}',
  reminderIntro: 'We asked you a few days ago and would still love to hear from you.',
  greeting: 'Hello {name},',
  greetingAnonymous: 'Hello,',
  question: 'How likely are you to recommend {brand} to a friend or colleague?',
  notLikely: 'Not at all likely',
  veryLikely: 'Extremely likely',
  scoreLabel: '{score} out of 10',
  clickHint: 'Click a number to answer. It takes one click.',
  unsubscribe: 'Unsubscribe from these surveys',
  thanks: 'Thank you for your answer!',
  commentPrompt: 'What is the main reason for your score? (optional)',
  send: 'Send',
  submitScore: 'Submit my answer',
  recorded: 'Your answer has been recorded. You can change it at any time from the email link.',
  closed: 'This survey has closed. Thank you for your time.',
  invalid: 'This survey link is not valid.',
  unsubscribed: 'You will not receive these surveys any more.',
  unsubscribeConfirm: 'Stop receiving these surveys?',
  followUpSubject: '{brand}: what we did about your feedback',
  followUpToldUs: 'You told us: “{comment}”',
  followUpToldUsScore: 'You rated {brand} {score} out of 10.',
  followUpWhatWeDid: 'Here is what we did:',
  followUpThanks: 'Thank you for taking the time to tell us.',
};

const de: Messages = {
  subject: 'Eine kurze Frage zu {brand}',
  reminderSubject: 'Erinnerung: Eine kurze Frage zu {brand}',
  reminderIntro: 'Wir haben Sie vor ein paar Tagen gefragt und würden uns sehr über Ihre Antwort freuen.',
  greeting: 'Hallo {name},',
  greetingAnonymous: 'Hallo,',
  question: 'Wie wahrscheinlich ist es, dass Sie {brand} einem Freund oder Kollegen empfehlen?',
  notLikely: 'Überhaupt nicht wahrscheinlich',
  veryLikely: 'Äußerst wahrscheinlich',
  scoreLabel: '{score} von 10',
  clickHint: 'Klicken Sie auf eine Zahl, um zu antworten.',
  unsubscribe: 'Diese Umfragen abbestellen',
  thanks: 'Vielen Dank für Ihre Antwort!',
  commentPrompt: 'Was ist der wichtigste Grund für Ihre Bewertung? (optional)',
  send: 'Senden',
  submitScore: 'Antwort absenden',
  recorded: 'Ihre Antwort wurde gespeichert. Sie können sie über den Link in der E-Mail ändern.',
  closed: 'Diese Umfrage ist beendet. Vielen Dank für Ihre Zeit.',
  invalid: 'Dieser Umfragelink ist ungültig.',
  unsubscribed: 'Sie erhalten diese Umfragen nicht mehr.',
  unsubscribeConfirm: 'Diese Umfragen nicht mehr erhalten?',
  followUpSubject: '{brand}: Was wir aus Ihrem Feedback gemacht haben',
  followUpToldUs: 'Sie haben uns geschrieben: „{comment}“',
  followUpToldUsScore: 'Sie haben {brand} mit {score} von 10 bewertet.',
  followUpWhatWeDid: 'Das haben wir unternommen:',
  followUpThanks: 'Vielen Dank, dass Sie sich die Zeit genommen haben, uns das mitzuteilen.',
};

const fr: Messages = {
  subject: 'Une question rapide sur {brand}',
  reminderSubject: 'Rappel : une question rapide sur {brand}',
  reminderIntro:
    'Nous vous avons posé la question il y a quelques jours et aimerions toujours avoir votre avis.',
  greeting: 'Bonjour {name},',
  greetingAnonymous: 'Bonjour,',
  question: 'Quelle est la probabilité que vous recommandiez {brand} à un ami ou un collègue ?',
  notLikely: 'Pas du tout probable',
  veryLikely: 'Très probable',
  scoreLabel: '{score} sur 10',
  clickHint: 'Cliquez sur un chiffre pour répondre.',
  unsubscribe: 'Se désabonner de ces enquêtes',
  thanks: 'Merci pour votre réponse !',
  commentPrompt: 'Quelle est la raison principale de votre note ? (facultatif)',
  send: 'Envoyer',
  submitScore: 'Envoyer ma réponse',
  recorded: 'Votre réponse a été enregistrée. Vous pouvez la modifier depuis le lien de l’e-mail.',
  closed: 'Cette enquête est terminée. Merci de votre temps.',
  invalid: 'Ce lien d’enquête n’est pas valide.',
  unsubscribed: 'Vous ne recevrez plus ces enquêtes.',
  unsubscribeConfirm: 'Ne plus recevoir ces enquêtes ?',
  followUpSubject: '{brand} : ce que nous avons fait de votre avis',
  followUpToldUs: 'Vous nous avez dit : « {comment} »',
  followUpToldUsScore: 'Vous avez donné à {brand} la note de {score} sur 10.',
  followUpWhatWeDid: 'Voici ce que nous avons fait :',
  followUpThanks: 'Merci d’avoir pris le temps de nous le dire.',
};

const catalog: Record<string, Messages> = { en, de, fr };

export const messagesFor = (locale: string | undefined): Messages =>
  catalog[(locale ?? 'en').slice(0, 2).toLowerCase()] ?? en;

export const fill = (template: string, values: Record<string, string>): string =>
  template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
