// The most common passwords and password bases seen in public breach corpora (RockYou, the NCSC
// top 100k, yearly "worst passwords" lists), lower-case, whitespace-separated. Kept as one string
// so that importing core costs a string literal; the Set is built on first use.
const COMMON_PASSWORDS_SOURCE = `
123456 12345678 123456789 1234567890 12345 1234 1234567 123 111111 11111111 000000 00000000
123123 123321 654321 666666 696969 777777 7777777 121212 112233 131313 159753 555555
987654321 1111 2000 147258369 147258 159357 123654 852456 789456 789456123 456789 321654
999999 888888 222222 333333 444444 101010 5201314 11223344 1122334455 12341234 123123123
1234512345 0987654321 147852369 741852963 147852 963852741 1212 6969 4321 54321 7654321
112233445566 1q2w3e 1q2w3e4r 1q2w3e4r5t 1q2w3e4r5t6y 1qaz2wsx 1qazxsw2 1qaz2wsx3edc
zaq12wsx zaq1zaq1 zaq1xsw2 q1w2e3r4 q1w2e3r4t5 q1w2e3 1a2b3c 1a2b3c4d a1b2c3 a1b2c3d4
1qaz 2wsx qazxsw qazwsx qazwsxedc qwerty qwertyu qwertyui qwertyuiop qwerty1 qwerty12
qwerty123 qwe123 123qwe qweasd qweasdzxc qweqwe qwer qwer1234 1234qwer qwaszx qwert
asdf asdfg asdfgh asdfghj asdfghjk asdfghjkl asdf1234 asdasd asd123 asdzxc zxc zxcv
zxcvb zxcvbn zxcvbnm zxczxc zxcv1234 zxcvbnm1 1a2s3d4f azerty azertyuiop qwertz
qwertzuiop ytrewq poiuytrewq mnbvcxz lkjhgfdsa abc abc123 abcd abcd1234 abcde abcdef
abcdefg abcdefgh abc12345 aaaaaa aaaaaaaa aa123456 a123456 a12345 123abc 123456a
123456q 1234abcd abcabc aaa111 zzzzzz xxxxxx qqqqqq 123aaa a1234567
password passw0rd p@ssw0rd p@ssword pa55word pa55w0rd passwd pass pass1234 pass123
password1 password12 password123 mypassword newpassword thepassword passwort motdepasse
contrasena senha wachtwoord salasana haslo parola lozinka sifre passord
secret secret1 letmein letmein1 welcome welcome1 welcome123 admin admin123 admin1234
administrator root toor login logon master changeme changeit default guest test
test123 testing tester demo user username access access14 system server temp temppass
private public nothing whatever anything everything trustno1 trustme nopassword
iloveyou iloveu iloveyou1 loveyou lovely love loveme lovers lover ilovegod ihateyou
forever always together sweetheart sweetie honey baby babygirl babyboy hottie
princess princesa prince queen king kingdom angel angels angel1 diamond diamonds
sunshine sunflower flower flowers rainbow butterfly summer winter spring autumn
michael jennifer jordan jordan23 daniel andrew thomas robert charlie george michelle
jessica ashley amanda nicole matthew joshua taylor justin william anthony hannah
jasmine samantha maggie ginger pepper buster harley tigger shadow hunter killer
ranger buddy snoopy jack jackson chris christian heather melissa sarah sophie olivia
emily jessie lauren brandon david richard joseph james john peter alexander alex
patrick martin victoria elizabeth charlotte natasha angela andrea alexis austin
bailey barbara benjamin brian brittany carlos chloe christopher cynthia dakota
edward eric ethan gabriel hailey harry isabella jacob jason jasper jeremy jonathan
josh julia juliet justine kevin kimberly linda lisa logan lucas madison marina maria
mark mary max maxwell megan mike mickey miguel morgan nathan nicholas oliver oscar
paul rachel rebecca ryan sam samuel scott sebastian steven tiffany tyler vanessa
zachary abigail alyssa anna ava bella brandy caroline carmen chelsea
football baseball soccer hockey basketball golf golfer tennis volleyball cricket
rugby boxing skater surfer liverpool arsenal barcelona realmadrid manchester
manutd chelsea1 juventus milan inter celtic rangers yankees cowboys steelers eagles
lakers dallas packers redsox patriots raiders broncos bulls chicago newyork london
paris berlin madrid america canada mexico brazil england scotland ireland germany
france italia espana russia india pakistan australia
batman superman spiderman ironman starwars startrek pokemon pikachu naruto sasuke
matrix harrypotter hogwarts gandalf frodo hello hellokitty kitty mickeymouse
minecraft fortnite roblox zelda mario nintendo playstation xbox gamer ronaldo messi
neymar beckham jordan1 kobe michaeljackson eminem metallica nirvana slipknot
monkey dragon dragons tiger tigers lion lions dolphin dolphins eagle falcon panther
panthers jaguar bear bears puppy puppies kitten doggie doggy fluffy bunny horse
horses spider snake shark wolf wolves fox unicorn turtle penguin cat cats dog dogs
mustang corvette ferrari porsche mercedes bmw honda toyota yamaha harleydavidson
camaro chevy ford jeep nissan audi volvo
computer internet google yahoo hotmail gmail facebook twitter instagram youtube
linkedin microsoft windows apple iphone samsung android laptop dell
cheese chocolate cookie cookies coffee banana orange apple123 cherry peaches lemon
pizza pepsi cocacola candy sugar butter icecream strawberry
silver golden gold money money1 dollar cash rich lucky lucky7 winner champion
freedom liberty justice peace heaven jesus jesus1 christ god godisgood blessed
faith grace trinity church bible hallelujah amen
master1 superstar rockstar star stars starlight moon moonlight sun sunset galaxy
universe planet nature ocean river mountain forest thunder lightning storm
shadow1 ninja samurai warrior soldier killer1 hunter1 sniper pirate viking knight
wizard magic merlin legend legends phoenix hero
friends friend family mother father mommy daddy sister brother school student
teacher college library office work company business
blink182 letmein123 zxcvbnm123 qwerty1234 iloveyou2 baseball1 football1 superman1
princess1 monkey1 dragon1 sunshine1 charlie1 michael1 jessica1 whatever1 welcome12
master12 qazwsx123 trustno1234 passpass secretpassword summer2020 winter2021
orange1 purple yellow green blue red black white pink
hello123 hellohello hiya hey heyyou goodbye goodluck nicetry
asdfasdf qwerqwer zxcvzxcv 1q1q1q1q q1q1q1q1 aaaa1111 abcd123 1234abc abc1234
iloveyou123 lovelove loveyou2 babe baby123 cutie sexy sexy1 hottie1 beautiful
pretty gorgeous handsome cool cool123 awesome smile happy happy1 sunny
killer123 dragon123 monkey123 shadow123 master123 charlie123 michael123 jordan123
computer1 internet1 password01 password2 password3 pass12345 pa$$word p4ssword
letmeinnow opensesame open sesame secure security protect hidden
`;

let commonPasswords: ReadonlySet<string> | undefined;

/**
 * Returns the built-in set of common passwords, lower-case, building it on first use.
 *
 * @example
 * ```ts
 * import { commonPasswordSet } from './common-passwords.js';
 *
 * commonPasswordSet().has('letmein'); // true
 * ```
 */
export function commonPasswordSet(): ReadonlySet<string> {
  if (commonPasswords === undefined) {
    commonPasswords = new Set(COMMON_PASSWORDS_SOURCE.split(/\s+/).filter((entry) => entry !== ''));
  }
  return commonPasswords;
}

/**
 * True when `password` is a common password, ignoring case and a trailing run of digits and symbols.
 *
 * The comparison is on the NFKC-normalised, lower-cased password. A password whose trailing digits
 * and symbols are stripped matches only when the remaining base is at least 4 characters long, so
 * `Password123!`, `Qwerty2024` and `Letmein1` match, while `god2024!` (base `god`) does not.
 *
 * @example
 * ```ts
 * import { isCommonPassword } from './common-passwords.js';
 *
 * isCommonPassword('Password123!'); // true
 * isCommonPassword('vq7!mZp2kL'); // false
 * ```
 */
export function isCommonPassword(password: string): boolean {
  const set = commonPasswordSet();
  const normalized = password.normalize('NFKC').toLowerCase();
  if (set.has(normalized)) {
    return true;
  }
  // First strip only symbols (`abc123!` -> `abc123`), then digits and symbols (`qwerty2024!` -> `qwerty`).
  const withoutSymbols = normalized.replace(/[^\p{L}\p{M}\p{N}\s]+$/u, '');
  if (withoutSymbols !== normalized && isLongEnoughBase(withoutSymbols) && set.has(withoutSymbols)) {
    return true;
  }
  const base = normalized.replace(/[^\p{L}\p{M}\s]+$/u, '');
  return base !== normalized && isLongEnoughBase(base) && set.has(base);
}

function isLongEnoughBase(base: string): boolean {
  let count = 0;
  for (const _ of base) {
    count += 1;
    if (count >= 4) {
      return true;
    }
  }
  return false;
}
