// The built-in blocklist: words no generated code should spell, in the main languages of European
// and American markets.
//
// Provenance: written by hand for coupongen from common knowledge of profanity, sexual terms, slurs,
// Nazi references and a few words a shop would not want in a coupon (SCAM, FAKE); no published
// list was copied or downloaded. Rules: upper-case ASCII, accents dropped or spelled out (coño ->
// CONO, Möse -> MOESE, Scheiße -> SCHEISSE, Führer -> FUEHRER), at least 3 letters. A word also
// blocks every longer word containing it, so longer forms are listed only where they carry their
// own meaning. Look-alike digits are handled by the matcher (S3X, 455, B00B), not listed here.
// Words shared by several languages appear under each; the list is de-duplicated when read.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "codes/blocklist.h"

namespace coupongen {
namespace {

struct LanguageWords {
  const char* language;
  const char* words;  // separated by whitespace
};

constexpr LanguageWords kBuiltin[] = {
    {"English",
     "ANAL ANUS ARSE ASS BASTARD BEASTIAL BITCH BLOWJOB BOLLOCK BONER BOOB BUGGER BUKKAKE BUTTHOLE "
     "BUTTPLUG CHINK CLIT COCK COON CRAP CUM CUNT DAMN DICK DILDO DOUCHE DYKE EJACULAT FAG FART FCK "
     "FUCK FUK FUQ GOOK HANDJOB HENTAI HOOKER HORNY JERKOFF JIZZ KIKE KKK KNOB MASTURBAT MILF MOFO "
     "MOLEST NAZI NIGGA NIGGER NUDE ORGASM ORGY PAEDO PAKI PECKER PEDO PENIS PERV PISS POOP PORN PRICK "
     "PUBE PUSSY QUEEF RAPE RAPIST RETARD RIMJOB SCHLONG SCROTUM SEMEN SEX SHAG SHIT SKANK SLAG SLUT "
     "SMEGMA SODOMY SPERM SPIC SPUNK STFU SUCK TESTICLE TIT TOSSER TRANNY TURD TWAT VAGINA VIAGRA "
     "VULVA WANK WETBACK WHORE WTF XXX HITLER KILL MURDER JIHAD ISIS SCAM FAKE FRAUD METH COCAINE "
     "HEROIN IDIOT MORON LOSER STUPID"},
    {"Spanish",
     "PUTA PUTO PUTON MIERDA CONO COJON CULO CULERO CABRON PENDEJ JODER JODID CHINGA VERGA PINCHE "
     "MARICON MARICA ZORRA POLLA CAGAR CAGADA CAGON GILIPOLLA MAMON MAMADA CACA TETA CONCHA BOLUDO "
     "PELOTUDO MALPARID HIJOPUTA CARAJO OJETE PAJA PAJERO CORNUDO GUARRA FOLLAR COGER PICHA PUNETA "
     "SUDACA MONGOLO SUBNORMAL IDIOTA ESTUPID VIOLAR NEGRATA"},
    {"Portuguese",
     "CARALHO PORRA MERDA BOSTA FODA FODER FODID FODASE FODEU BUCETA CUZAO BUNDA VIADO VEADO CACETE "
     "PIROCA XOTA XOXOTA PUNHETA BROXA OTARIO BABACA ARROMBAD CORNO BICHA SAFADA SAFADO VAGABUNDA "
     "PUTARIA BOQUETE PICA PENTELHO ESCROTO IMBECIL RETARDAD TESAO SACANA PUTA"},
    {"French",
     "MERDE PUTE PUTAIN CONNARD CONNASSE CONNE CON CUL ENCULE SALOPE SALAUD BITE CHIER NIQUE NTM FDP "
     "BORDEL BRANLE COUILLE CHATTE PEDE TAPETTE BATARD GOUINE ENFOIRE POUFFIASSE TEUB FOUTRE ZIZI "
     "NEGRE BOUGNOUL BICOT YOUPIN CRETIN DEBILE ABRUTI TROUDUC PETASSE GARCE PISSE"},
    {"German",
     "SCHEISS FICK ARSCH FOTZE HURE WICHS SCHLAMPE SCHWANZ MUSCHI PIMMEL TITTEN KACKE SCHWUCHTEL "
     "SPAST MISSGEBURT SIEGHEIL NEGER KANAKE BUMSEN MOESE DRECKSAU VOLLIDIOT BLOEDMANN MISTSTUECK "
     "PISSER KOTZE PENNER NUTTE FLITTCHEN LECKMICH VERPISS HAKENKREUZ NSDAP FUEHRER"},
    {"Italian",
     "CAZZ MINCHIA STRONZ VAFFANCULO FANCULO CULO MERDA PUTTANA TROIA FIGA FICA COGLION BASTARDO "
     "FROCIO RICCHIONE SCOPARE SCOPATA TETTE POMPINO PIRLA MIGNOTTA ZOCCOLA BOCCHINO CORNUTO INCULA "
     "CAGARE PORCODIO DIOCANE PORCAMADONNA SEGAIOLO SBORRA TERRONE NEGRO DEFICIENTE MONGOLOIDE"},
    {"Dutch",
     "KUT LUL KLOTE KANKER TYFUS TERING HOER KLOOTZAK NEUKEN PIK SLET MONGOOL FLIKKER GODVERDOMME "
     "TRUT ETTER EIKEL PIEMEL REET KONT ROTZAK SCHIJT POEP PIS NEGER DEBIEL MIETJE"},
};

}  // namespace

const std::vector<std::string>& BuiltinBlockedWords() {
  static const std::vector<std::string> words = [] {
    std::set<std::string> unique;
    for (const auto& lang : kBuiltin) {
      std::string_view list = lang.words;
      size_t i = 0;
      while (i < list.size()) {
        size_t j = list.find(' ', i);
        if (j == std::string_view::npos) j = list.size();
        if (j > i) unique.emplace(list.substr(i, j - i));
        i = j + 1;
      }
    }
    return std::vector<std::string>(unique.begin(), unique.end());
  }();
  return words;
}

const std::vector<std::string>& BuiltinBlocklistLanguages() {
  static const std::vector<std::string> languages = [] {
    std::vector<std::string> v;
    for (const auto& lang : kBuiltin) v.push_back(lang.language);
    return v;
  }();
  return languages;
}

}  // namespace coupongen
